using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Handshake;
using Farm.Node.Sockets;
using Farm.Shared.Socks.Socks4;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Sessions;

/// <summary>
/// Sends the reply to a request in the client's own protocol. The SOCKS5 code is the
/// node's vocabulary; SOCKS4 has only granted or rejected.
/// </summary>
public static class SocksReplies
{
    public static async Task<bool> SendAsync(Socket client, SocksVersion version, Socks5Reply reply, IPEndPoint? bound, CancellationToken cancel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Socks5Writer.MaxReplyLength);
        try
        {
            var length = version == SocksVersion.Socks5
                ? Socks5Writer.WriteReply(buffer, reply, bound)
                : Socks4Writer.WriteReply(buffer, reply == Socks5Reply.Succeeded ? Socks4Reply.Granted : Socks4Reply.Rejected, bound);
            return await NonBlockingIo.SendAllAsync(client, buffer.AsMemory(0, length), cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
