using System.Net.Sockets;

namespace Farm.Node.Sockets;

/// <summary>
/// Reads and writes that try the socket without waiting first. A socket keeps the machinery of
/// each kind of asynchronous operation it ever used (an event-args object per direction), for as
/// long as it lives; writing without waiting whenever the kernel has room means an idle session's
/// sockets hold only the one pending receive, and a write that fits costs one system call.
/// </summary>
public static class NonBlockingIo
{
    /// <summary>Nothing to read now; wait with a zero-byte receive.</summary>
    public const int WouldBlock = -1;

    /// <summary>The read failed: the peer reset or the socket broke.</summary>
    public const int Failed = -2;

    /// <summary>Makes the synchronous calls below return at once instead of blocking a thread.</summary>
    public static void Prepare(Socket socket) => socket.Blocking = false;

    /// <summary>Bytes read, 0 at end of stream, <see cref="WouldBlock"/> or <see cref="Failed"/>.</summary>
    public static int Receive(Socket socket, Span<byte> buffer)
    {
        var read = socket.Receive(buffer, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => read,
            SocketError.WouldBlock => WouldBlock,
            _ => Failed,
        };
    }

    /// <summary>Sends everything, waiting only for what the kernel has no room for; false when the socket failed.</summary>
    public static ValueTask<bool> SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancel = default)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            var count = socket.Send(data.Span[sent..], SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                sent += count;
                continue;
            }

            return error == SocketError.WouldBlock ? SendRestAsync(socket, data[sent..], cancel) : ValueTask.FromResult(false);
        }

        return ValueTask.FromResult(true);
    }

    private static async ValueTask<bool> SendRestAsync(Socket socket, ReadOnlyMemory<byte> rest, CancellationToken cancel)
    {
        try
        {
            await socket.SendAsync(rest, SocketFlags.None, cancel).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
