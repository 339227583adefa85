using System.Net.Sockets;

namespace Farm.Bench.Client;

/// <summary>Exact-length reads and writes over a raw socket.</summary>
public static class SocketIo
{
    public static async ValueTask ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
            {
                throw new EndOfStreamException($"peer closed with {buffer.Length} bytes still expected");
            }

            buffer = buffer[n..];
        }
    }

    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> buffer, CancellationToken ct)
    {
        // Socket.SendAsync completes whole buffers on stream sockets, but the count is checked so that a
        // partial write can never be counted as sent.
        while (buffer.Length > 0)
        {
            var n = await socket.SendAsync(buffer, SocketFlags.None, ct);
            buffer = buffer[n..];
        }
    }
}
