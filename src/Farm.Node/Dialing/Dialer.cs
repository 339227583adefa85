using System.Net;
using System.Net.Sockets;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Dialing;

/// <summary>
/// Resolves the destination on the node, checks every resolved address against the policy
/// (a name cannot rebind into a blocked range), and connects to the first permitted one
/// that answers, within the connect timeout.
/// </summary>
public sealed class Dialer(TimeSpan connectTimeout)
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
                addresses = await Dns.GetHostAddressesAsync(destination.Host!, deadline.Token).ConfigureAwait(false);
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

    private static async Task<DialResult> ConnectFirstPermittedAsync(
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
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancel).ConfigureAwait(false);
                return new DialResult(socket, Socks5Reply.Succeeded, address, decision);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failure = DialResult.Failed(e.SocketErrorCode.ToReply(), address, decision);
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
