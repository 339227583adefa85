using System.Net;
using System.Net.Sockets;
using Farm.Node.Telemetry;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Dialing;

/// <summary>
/// Resolves the destination on the node, checks every resolved address against the policy
/// (a name cannot rebind into a blocked range), and connects to the first permitted one
/// that answers, within the connect timeout.
/// </summary>
public sealed class Dialer(TimeSpan connectTimeout, NodeMetrics metrics, TimeProvider time)
{
    public async Task<DialResult> DialAsync(CompiledPolicy policy, PolicyRequest request, SocksDestination destination, CancellationToken kill)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(kill);
        deadline.CancelAfter(connectTimeout);
        try
        {
            IPAddress[] addresses;
            if (destination.Address is { } address)
            {
                addresses = [address];
            }
            else
            {
                addresses = await ResolveAsync(destination.Host!, deadline.Token).ConfigureAwait(false);
                if (addresses.Length == 0)
                {
                    return DialResult.Failed(Socks5Reply.HostUnreachable);
                }
            }

            return await ConnectFirstPermittedAsync(policy, request, addresses, destination.Port, deadline.Token).ConfigureAwait(false);
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

    private async Task<DialResult> ConnectFirstPermittedAsync(
        CompiledPolicy policy,
        PolicyRequest request,
        IPAddress[] addresses,
        ushort port,
        CancellationToken cancel)
    {
        DialResult? failure = null;
        foreach (var candidate in addresses)
        {
            var address = candidate.IsIPv4MappedToIPv6 ? candidate.MapToIPv4() : candidate;
            var decision = policy.Decide(request with { Address = address });
            if (decision.Action != PolicyAction.Pass)
            {
                failure ??= DialResult.Failed(Socks5Reply.ConnectionNotAllowed, address, decision);
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var started = time.GetTimestamp();
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancel).ConfigureAwait(false);
                metrics.UpstreamConnectAttempted(Socks5Reply.Succeeded, time.GetElapsedTime(started));
                return new DialResult(socket, Socks5Reply.Succeeded, address, decision);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                metrics.UpstreamConnectAttempted(e.SocketErrorCode.ToReply(), time.GetElapsedTime(started));
                failure = DialResult.Failed(e.SocketErrorCode.ToReply(), address, decision);
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                metrics.UpstreamConnectAttempted(Socks5Reply.TtlExpired, time.GetElapsedTime(started));
                throw;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        return failure ?? DialResult.Failed(Socks5Reply.HostUnreachable);
    }
}
