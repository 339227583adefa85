using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Dialing;

/// <summary>
/// Reaches a destination through an upstream SOCKS5 proxy named by a route rule: connect,
/// negotiate (with the farm's credentials when the route has them), CONNECT. The upstream's
/// reply code is passed on to the client as it is, so a refusal upstream reads as one here.
/// </summary>
public static class UpstreamSocksConnector
{
    private const int BufferSize = 1024;

    /// <param name="resolver">The node's resolver: the upstream's name is looked up within <paramref name="client"/>'s lookup places.</param>
    /// <param name="limits">The node's dial limits: the upstream's own addresses are dialed within <paramref name="client"/>'s share of its places.</param>
    /// <exception cref="NoLookupPlaceException">No lookup place came free for the upstream's name in time.</exception>
    public static async Task<DialResult> ConnectAsync(UpstreamRoute upstream, SocksDestination destination, RequestDecision? decision, NameResolver resolver, DialLimits limits, IPAddress client, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var route = $"socks5 {upstream.Host}:{upstream.Port}";
        var addresses = await resolver.ResolveUpstreamAsync(upstream.Host, client, cancel).ConfigureAwait(false);
        var attempt = await HappyEyeballsConnector.ConnectAsync(addresses, upstream.Port, null, limits, client, cancel).ConfigureAwait(false);
        if (attempt.Socket is not { } socket)
        {
            return Failed(attempt.Error.ToReply(), decision, route);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var (reply, bound) = await NegotiateAsync(socket, upstream, destination, buffer, cancel).ConfigureAwait(false);
            if (reply != Socks5Reply.Succeeded)
            {
                socket.Dispose();
                return Failed(reply, decision, route);
            }

            return new DialResult(socket, Socks5Reply.Succeeded, destination.Address, decision) { Route = route, Bound = bound };
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            socket.Dispose();
            return Failed(Socks5Reply.GeneralFailure, decision, route);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static DialResult Failed(Socks5Reply reply, RequestDecision? decision, string route) =>
        DialResult.Failed(reply, null, decision) with { Route = route, Outcome = "upstream-failed" };

    private static async Task<(Socks5Reply Reply, IPEndPoint? Bound)> NegotiateAsync(
        Socket socket, UpstreamRoute upstream, SocksDestination destination, byte[] buffer, CancellationToken cancel)
    {
        var withPassword = upstream.User is not null && upstream.Password is not null;
        var length = withPassword
            ? Socks5Writer.WriteGreeting(buffer, Socks5AuthMethod.NoAuthentication, Socks5AuthMethod.UsernamePassword)
            : Socks5Writer.WriteGreeting(buffer, Socks5AuthMethod.NoAuthentication);
        await socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, cancel).ConfigureAwait(false);
        var method = (Socks5AuthMethod)(await ReceiveExactlyAsync(socket, buffer, 2, cancel).ConfigureAwait(false))[1];
        if (method == Socks5AuthMethod.UsernamePassword && withPassword)
        {
            length = Socks5Writer.WritePasswordRequest(buffer, upstream.User!, upstream.Password!);
            await socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, cancel).ConfigureAwait(false);
            if ((await ReceiveExactlyAsync(socket, buffer, 2, cancel).ConfigureAwait(false))[1] != 0)
            {
                return (Socks5Reply.ConnectionNotAllowed, null);
            }
        }
        else if (method != Socks5AuthMethod.NoAuthentication)
        {
            return (Socks5Reply.ConnectionNotAllowed, null);
        }

        length = Socks5Writer.WriteRequest(buffer, SocksCommand.Connect, destination);
        await socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, cancel).ConfigureAwait(false);
        return await ReceiveReplyAsync(socket, buffer, cancel).ConfigureAwait(false);
    }

    private static async Task<(Socks5Reply Reply, IPEndPoint? Bound)> ReceiveReplyAsync(Socket socket, byte[] buffer, CancellationToken cancel)
    {
        var filled = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled, Socks5ReplyParser.MaxLength - filled), SocketFlags.None, cancel).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the upstream closed before its reply");
            }

            filled += read;
            var status = TryParseReply(buffer, filled, out var reply, out var bound);
            if (status == ParseStatus.Complete)
            {
                return (reply, bound.Address is { } address ? new IPEndPoint(address, bound.Port) : null);
            }

            if (status == ParseStatus.Invalid || filled == Socks5ReplyParser.MaxLength)
            {
                throw new IOException("the upstream's reply is not SOCKS5");
            }
        }
    }

    private static ParseStatus TryParseReply(byte[] buffer, int length, out Socks5Reply reply, out SocksDestination bound)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(buffer, 0, length));
        return Socks5ReplyParser.TryParse(ref reader, out reply, out bound, out _);
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, byte[] buffer, int count, CancellationToken cancel)
    {
        var filled = 0;
        while (filled < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled, count - filled), SocketFlags.None, cancel).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the upstream closed during negotiation");
            }

            filled += read;
        }

        return buffer;
    }
}
