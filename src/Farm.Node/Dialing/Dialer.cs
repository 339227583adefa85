using System.Net;
using System.Net.Sockets;
using Farm.Node.Telemetry;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Dialing;

/// <summary>
/// Carries out the policy's verdict on a CONNECT: resolves a name when the verdict says so and has
/// its addresses decided (a name cannot rebind into a blocked range), then applies the route
/// (direct, from an egress address, or through an upstream SOCKS5 proxy) and connects, within the
/// connect timeout. Nothing is dialed, the upstream included, without a pass decision.
/// </summary>
public sealed class Dialer(NodeMetrics metrics, TimeProvider time, NameResolver resolver, DialLimits limits)
{
    /// <summary>The node's resolver, which BIND and UDP use too.</summary>
    public NameResolver Resolver => resolver;

    public async Task<DialResult> DialAsync(CompiledPolicy policy, PolicyRequest request, RequestVerdict verdict, SocksDestination destination, TimeSpan connectTimeout, CancellationToken kill)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(kill);
        deadline.CancelAfter(connectTimeout);
        try
        {
            if (verdict is { Step: RequestStep.Forward, Route.Target: UpstreamRoute byName })
            {
                return await UpstreamSocksConnector.ConnectAsync(byName, destination, verdict.Decision, resolver, limits, request.Client, deadline.Token).ConfigureAwait(false);
            }

            if (verdict.Step == RequestStep.Resolve)
            {
                var addresses = await ResolveAsync(destination.Host!, request.Client, deadline.Token).ConfigureAwait(false);
                verdict = DecisionProcedure.OnResolved(policy, request, addresses);
            }

            return await ConnectPermittedAsync(verdict, destination, request.Client, deadline.Token).ConfigureAwait(false);
        }
        catch (NoLookupPlaceException)
        {
            // The node's lookups were all busy (a flood from other requests): the name was never asked.
            return DialResult.Failed(Socks5Reply.HostUnreachable) with { Outcome = DialResult.NoLookupPlace };
        }
        catch (OperationCanceledException)
        {
            // Killed or evicted (the session ends anyway, without a stack trace in the log), else the connect timeout.
            return DialResult.Failed(kill.IsCancellationRequested ? Socks5Reply.GeneralFailure : Socks5Reply.TtlExpired);
        }
        catch (SocketException e)
        {
            return DialResult.Failed(e.SocketErrorCode.ToReply());
        }
    }

    private async Task<IPAddress[]> ResolveAsync(string host, IPAddress client, CancellationToken cancel)
    {
        var started = time.GetTimestamp();
        DnsFailureReason? failure = DnsFailureReason.Error;
        try
        {
            var addresses = await resolver.ResolveAsync(host, client, cancel).ConfigureAwait(false);
            failure = addresses.Length == 0 ? DnsFailureReason.NoAddress : null;
            return addresses;
        }
        catch (NoLookupPlaceException)
        {
            failure = DnsFailureReason.NoLookupPlace;
            throw;
        }
        catch (OperationCanceledException)
        {
            failure = DnsFailureReason.Timeout;
            throw;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            failure = e.SocketErrorCode == SocketError.HostNotFound ? DnsFailureReason.HostNotFound : DnsFailureReason.NoAddress;
            throw;
        }
        finally
        {
            metrics.NameResolved(time.GetElapsedTime(started), failure);
        }
    }

    private async Task<DialResult> ConnectPermittedAsync(RequestVerdict verdict, SocksDestination destination, IPAddress client, CancellationToken cancel)
    {
        switch (verdict.Step)
        {
            case RequestStep.Refuse:
                var refused = verdict.Addresses.FirstOrDefault(a => a.Decision.Action != PolicyAction.Pass).Address;
                return DialResult.Failed(Socks5Reply.ConnectionNotAllowed, refused, verdict.Decision);
            case RequestStep.Proceed:
                break;
            default:
                return DialResult.Failed(Socks5Reply.HostUnreachable, null, verdict.Decision);
        }

        var permitted = verdict.Permitted;
        var route = verdict.Route.Target;
        if (route is UpstreamRoute upstream)
        {
            var target = destination.Host is null ? destination : SocksDestination.FromAddress(permitted[0], destination.Port);
            return await UpstreamSocksConnector.ConnectAsync(upstream, target, verdict.Decision, resolver, limits, client, cancel).ConfigureAwait(false);
        }

        var source = (route as EgressRoute)?.Source;
        var started = time.GetTimestamp();
        ConnectAttempt attempt;
        try
        {
            attempt = await HappyEyeballsConnector.ConnectAsync(permitted, destination.Port, source, limits, client, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            metrics.UpstreamConnectAttempted(Socks5Reply.TtlExpired, time.GetElapsedTime(started));
            throw;
        }

        metrics.UpstreamConnectAttempted(attempt.Socket is null ? attempt.Error.ToReply() : Socks5Reply.Succeeded, time.GetElapsedTime(started));
        var routeName = source is null ? "direct" : $"egress {source}";
        return attempt.Socket is { } socket
            ? new DialResult(socket, Socks5Reply.Succeeded, attempt.Address, verdict.DecisionFor(attempt.Address!)) { Route = routeName }
            : DialResult.Failed(attempt.Error.ToReply(), attempt.Address, verdict.Decision) with { Route = routeName };
    }
}
