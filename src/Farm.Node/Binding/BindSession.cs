using System.Net;
using System.Net.Sockets;
using Farm.Node.Dialing;
using Farm.Node.Handshake;
using Farm.Node.Sessions;
using Farm.Node.Telemetry;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Binding;

/// <summary>
/// SOCKS BIND: once the destination's addresses have a pass decision, listens on the node's address
/// that the client reached, announces it in the first reply, and admits one connection before the deadline:
/// from the destination the client named (and the policy), announced in the second reply. A connection from
/// any other host is closed and counted, and the BIND keeps waiting for the right one (RFC 1928: the
/// connecting host is expected to be the destination), so a stranger can neither take the port nor end it.
/// </summary>
public static class BindSession
{
    /// <summary>Connections the kernel may hold for the listener while the one before is checked and closed.</summary>
    private const int PendingPeers = 4;

    public static async Task<BindResult> AcceptAsync(
        Socket client,
        SocksVersion version,
        IPAddress listenAddress,
        IPAddress announcedAddress,
        SocksDestination expected,
        CompiledPolicy policy,
        PolicyRequest request,
        RequestVerdict verdict,
        NameResolver resolver,
        NodeMetrics metrics,
        TimeSpan timeout,
        CancellationToken kill)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(kill);
        deadline.CancelAfter(timeout);
        try
        {
            // The name's addresses are decided before any listener exists: a refused BIND never listens.
            if (verdict.Step == RequestStep.Resolve)
            {
                IPAddress[] addresses;
                try
                {
                    addresses = await resolver.ResolveAsync(expected.Host!, request.Client, deadline.Token).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    // No address to decide on: the client is told host-unreachable, not left without a reply.
                    addresses = [];
                }

                verdict = DecisionProcedure.OnResolved(policy, request, addresses);
            }

            if (verdict.Step != RequestStep.Proceed)
            {
                var reply = verdict.Step == RequestStep.Refuse ? Socks5Reply.ConnectionNotAllowed : Socks5Reply.HostUnreachable;
                await SocksReplies.SendAsync(client, version, reply, null, deadline.Token).ConfigureAwait(false);
                return new BindResult(null, null, null, reply, verdict.Decision, reply == Socks5Reply.ConnectionNotAllowed ? "refused" : "connect-failed");
            }

            var allowed = verdict.Permitted.ToHashSet();

            using var listener = new Socket(listenAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(listenAddress, 0));
            listener.Listen(PendingPeers);
            var listened = new IPEndPoint(announcedAddress, ((IPEndPoint)listener.LocalEndPoint!).Port);
            if (!await SocksReplies.SendAsync(client, version, Socks5Reply.Succeeded, listened, deadline.Token).ConfigureAwait(false))
            {
                return new BindResult(null, null, listened, Socks5Reply.GeneralFailure, null, "client-error");
            }

            Socket peer;
            IPEndPoint peerEndPoint;
            RequestDecision decision;
            while (true)
            {
                if (await AcceptUnlessClientLeavesAsync(listener, client, deadline.Token).ConfigureAwait(false) is not { } accepted)
                {
                    return new BindResult(null, null, listened, Socks5Reply.GeneralFailure, null, "client-closed");
                }

                peer = accepted;
                peerEndPoint = (IPEndPoint)peer.RemoteEndPoint!;
                var peerAddress = peerEndPoint.Address.Unmapped();
                decision = DecisionProcedure.OnPeer(policy, request, peerAddress);
                if (allowed.Contains(peerAddress) && decision.Action == PolicyAction.Pass)
                {
                    break;
                }

                SocketTeardown.Close(peer, graceful: false);
                metrics.BindPeerRefused();
            }

            peer.NoDelay = true;
            if (!await SocksReplies.SendAsync(client, version, Socks5Reply.Succeeded, peerEndPoint, deadline.Token).ConfigureAwait(false))
            {
                peer.Dispose();
                return new BindResult(null, peerEndPoint, listened, Socks5Reply.GeneralFailure, decision, "client-error");
            }

            return new BindResult(peer, peerEndPoint, listened, Socks5Reply.Succeeded, decision, "bound");
        }
        catch (OperationCanceledException) when (!kill.IsCancellationRequested)
        {
            await SocksReplies.SendAsync(client, version, Socks5Reply.TtlExpired, null, kill).ConfigureAwait(false);
            return new BindResult(null, null, null, Socks5Reply.TtlExpired, null, "bind-timeout");
        }
        catch (OperationCanceledException)
        {
            // Killed or evicted while it waited: an ending like any other, not a broken session.
            return new BindResult(null, null, null, Socks5Reply.GeneralFailure, null, "killed");
        }
        catch (SocketException e)
        {
            return new BindResult(null, null, null, e.SocketErrorCode.ToReply(), null, "bind-failed");
        }
    }

    /// <summary>
    /// The incoming connection, or null when the client closes or resets its control connection first:
    /// a client that has gone must not hold its listener, its session and its place under the per-source
    /// caps until the bind timeout.
    /// </summary>
    private static async Task<Socket?> AcceptUnlessClientLeavesAsync(Socket listener, Socket client, CancellationToken token)
    {
        using var settled = CancellationTokenSource.CreateLinkedTokenSource(token);
        var accept = listener.AcceptAsync(settled.Token).AsTask();
        var left = ClientLeftAsync(client, settled.Token);
        if (await Task.WhenAny(accept, left).ConfigureAwait(false) == left && await left.ConfigureAwait(false))
        {
            await settled.CancelAsync().ConfigureAwait(false);
            try
            {
                // Accepted in the same instant: that peer is not wanted any more.
                (await accept.ConfigureAwait(false)).Dispose();
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The accept ended with the client, as meant.
            }

            return null;
        }

        try
        {
            return await accept.ConfigureAwait(false);
        }
        finally
        {
            await settled.CancelAsync().ConfigureAwait(false);
            await left.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// True when the client's control connection ends (EOF or reset). Peeks, so that bytes a client sends
    /// early stay for the relay; a client that sends is present, and is watched no further.
    /// </summary>
    private static async Task<bool> ClientLeftAsync(Socket client, CancellationToken token)
    {
        try
        {
            return await client.ReceiveAsync(new byte[1], SocketFlags.Peek, token).ConfigureAwait(false) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

}
