using System.Net;
using System.Net.Sockets;
using Farm.Node.Telemetry;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Dialing;

/// <summary>
/// Resolves the destination on the node, checks every resolved address against the policy
/// (a name cannot rebind into a blocked range), applies the route (direct, from an egress
/// address, or through an upstream SOCKS5 proxy) and connects, within the connect timeout.
/// </summary>
public sealed class Dialer(NodeMetrics metrics, TimeProvider time)
{
    public async Task<DialResult> DialAsync(CompiledPolicy policy, PolicyRequest request, SocksDestination destination, TimeSpan connectTimeout, CancellationToken kill)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(kill);
        deadline.CancelAfter(connectTimeout);
        try
        {
            // A name routed upstream is passed on unresolved: it may only resolve beyond the upstream.
            if (destination.Host is { } host && policy.Route(host, null, destination.Port).Target is UpstreamRoute byName)
            {
                return await UpstreamSocksConnector.ConnectAsync(byName, destination, null, deadline.Token).ConfigureAwait(false);
            }

            var addresses = destination.Address is { } address
                ? [address]
                : await ResolveAsync(destination.Host!, deadline.Token).ConfigureAwait(false);
            return await ConnectPermittedAsync(policy, request, destination, addresses, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!kill.IsCancellationRequested)
        {
            return DialResult.Failed(Socks5Reply.TtlExpired);
        }
        catch (SocketException e)
        {
            return DialResult.Failed(e.SocketErrorCode.ToReply());
        }
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancel)
    {
        var started = time.GetTimestamp();
        DnsFailureReason? failure = DnsFailureReason.Error;
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
            failure = addresses.Length == 0 ? DnsFailureReason.NoAddress : null;
            return addresses;
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

    private async Task<DialResult> ConnectPermittedAsync(
        CompiledPolicy policy,
        PolicyRequest request,
        SocksDestination destination,
        IPAddress[] addresses,
        CancellationToken cancel)
    {
        var permitted = new List<IPAddress>(addresses.Length);
        var decisions = new List<RequestDecision>(addresses.Length);
        RequestDecision? passed = null;
        DialResult? refused = null;
        foreach (var candidate in addresses)
        {
            var address = candidate.Unmapped();
            var decision = policy.Decide(request with { Address = address });
            if (decision.Action == PolicyAction.Pass)
            {
                permitted.Add(address);
                decisions.Add(decision);
                passed ??= decision;
            }
            else
            {
                refused ??= DialResult.Failed(Socks5Reply.ConnectionNotAllowed, address, decision);
            }
        }

        if (permitted.Count == 0)
        {
            return refused ?? DialResult.Failed(Socks5Reply.HostUnreachable);
        }

        var route = policy.Route(destination.Host, permitted[0], destination.Port).Target;
        if (route is UpstreamRoute upstream)
        {
            var target = destination.Host is null ? destination : SocksDestination.FromAddress(permitted[0], destination.Port);
            return await UpstreamSocksConnector.ConnectAsync(upstream, target, passed, cancel).ConfigureAwait(false);
        }

        var source = (route as EgressRoute)?.Source;
        var started = time.GetTimestamp();
        ConnectAttempt attempt;
        try
        {
            attempt = await HappyEyeballsConnector.ConnectAsync(permitted, destination.Port, source, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            metrics.UpstreamConnectAttempted(Socks5Reply.TtlExpired, time.GetElapsedTime(started));
            throw;
        }

        metrics.UpstreamConnectAttempted(attempt.Socket is null ? attempt.Error.ToReply() : Socks5Reply.Succeeded, time.GetElapsedTime(started));
        var routeName = source is null ? "direct" : $"egress {source}";
        return attempt.Socket is { } socket
            ? new DialResult(socket, Socks5Reply.Succeeded, attempt.Address, decisions[permitted.IndexOf(attempt.Address!)]) { Route = routeName }
            : DialResult.Failed(attempt.Error.ToReply(), attempt.Address, passed) with { Route = routeName };
    }
}
