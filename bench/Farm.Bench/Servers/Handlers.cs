using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Farm.Bench.Client;

namespace Farm.Bench.Servers;

/// <summary>The three loopback protocols: echo, framed sink (upload) and framed source (download).</summary>
public static class Handlers
{
    // Small on purpose: the idle test holds up to 20,000 echo connections in this process.
    private const int EchoBufferBytes = 2048;

    public static async Task EchoAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[EchoBufferBytes];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
            {
                return;
            }

            await SocketIo.SendAllAsync(socket, buffer.AsMemory(0, n), ct);
        }
    }

    /// <summary>Counts framed payload until the end marker, then answers the total.</summary>
    public static async Task SinkAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[Frames.FrameBytes];
        var reader = new FrameReader();
        while (!reader.Ended)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
            {
                return;
            }

            reader.Consume(buffer.AsSpan(0, n));
        }

        await SocketIo.SendAllAsync(socket, Frames.Total(reader.Payload), ct);
        await DrainUntilCloseAsync(socket, buffer, ct);
    }

    /// <summary>Reads a 4-byte duration in milliseconds, sends full frames for that long, then the end marker and the total.</summary>
    public static async Task SourceAsync(Socket socket, CancellationToken ct)
    {
        var request = new byte[4];
        await SocketIo.ReceiveExactlyAsync(socket, request, ct);
        var duration = TimeSpan.FromMilliseconds(BinaryPrimitives.ReadInt32LittleEndian(request));
        var frame = Frames.NewFullFrame();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long payload = 0;
        while (Stopwatch.GetTimestamp() < end)
        {
            await SocketIo.SendAllAsync(socket, frame, ct);
            payload += Frames.PayloadBytes;
        }

        await SocketIo.SendAllAsync(socket, Frames.EndFrame(), ct);
        await SocketIo.SendAllAsync(socket, Frames.Total(payload), ct);
        await DrainUntilCloseAsync(socket, request, ct);
    }

    // The client closes first, so that TIME_WAIT stays on the client side and a close with unread
    // data (an RST) cannot cut off the total in flight.
    private static async Task DrainUntilCloseAsync(Socket socket, byte[] buffer, CancellationToken ct)
    {
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, ct) > 0)
        {
        }
    }
}
