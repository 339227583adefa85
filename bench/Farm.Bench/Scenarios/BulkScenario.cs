using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Farm.Bench.Client;
using Farm.Bench.Servers;

namespace Farm.Bench.Scenarios;

/// <summary>
/// Parallel framed streams for a fixed time, upload to the sink or download from the source. Every
/// stream ends with the receiver's payload total, so a throughput is reported only for bytes that
/// arrived, and the run fails if any stream's count disagrees.
/// </summary>
public static class BulkScenario
{
    public static async Task<Metrics> RunAsync(
        Dialer dialer, IReadOnlyList<IPEndPoint> destinations, int streams, bool upload, TimeSpan duration, CancellationToken ct)
    {
        var sockets = await Task.WhenAll(Enumerable.Range(0, streams)
            .Select(i => dialer.ConnectAsync(destinations[i % destinations.Count], ct)));
        try
        {
            var start = Stopwatch.GetTimestamp();
            var counts = await Task.WhenAll(sockets.Select(s => upload ? UploadAsync(s, duration, ct) : DownloadAsync(s, duration, ct)));
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            var counted = counts.Sum(c => c.Counted);
            var mismatched = counts.Count(c => c.Counted != c.Confirmed);
            if (mismatched > 0)
            {
                throw new InvalidDataException($"{mismatched} of {streams} streams: bytes counted differ from the peer's total");
            }

            return new Metrics
            {
                ["streams"] = streams,
                ["bytes"] = counted,
                ["seconds"] = seconds,
                ["mb_per_s"] = counted / seconds / 1e6,
            };
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    public readonly record struct StreamCount(long Counted, long Confirmed);

    public static async Task<StreamCount> UploadAsync(Socket socket, TimeSpan duration, CancellationToken ct)
    {
        var frame = Frames.NewFullFrame();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long sent = 0;
        while (Stopwatch.GetTimestamp() < end)
        {
            await SocketIo.SendAllAsync(socket, frame, ct);
            sent += Frames.PayloadBytes;
        }

        await SocketIo.SendAllAsync(socket, Frames.EndFrame(), ct);
        var total = new byte[Frames.TotalBytes];
        await SocketIo.ReceiveExactlyAsync(socket, total, ct);
        return new StreamCount(sent, BinaryPrimitives.ReadInt64LittleEndian(total));
    }

    public static async Task<StreamCount> DownloadAsync(Socket socket, TimeSpan duration, CancellationToken ct)
    {
        var request = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(request, (int)duration.TotalMilliseconds);
        await SocketIo.SendAllAsync(socket, request, ct);

        var buffer = new byte[Frames.FrameBytes];
        var reader = new FrameReader();
        int n;
        int consumed;
        do
        {
            n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
            {
                throw new EndOfStreamException("source closed before its end marker");
            }

            consumed = reader.Consume(buffer.AsSpan(0, n));
        }
        while (!reader.Ended);

        // The total follows the end marker, possibly already in the buffer.
        var total = new byte[Frames.TotalBytes];
        var already = Math.Min(n - consumed, total.Length);
        buffer.AsSpan(consumed, already).CopyTo(total);
        await SocketIo.ReceiveExactlyAsync(socket, total.AsMemory(already), ct);
        return new StreamCount(reader.Payload, BinaryPrimitives.ReadInt64LittleEndian(total));
    }
}
