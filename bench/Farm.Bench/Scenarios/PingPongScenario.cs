using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Farm.Bench.Client;
using Farm.Bench.Measure;

namespace Farm.Bench.Scenarios;

/// <summary>
/// Established sessions, each sending a request and waiting for its echo, back to back for a fixed
/// time; the round-trip time of every exchange is kept.
/// </summary>
public static class PingPongScenario
{
    // Bounds the recorders at 16 x 200,000 x 8 bytes = 25 MB, several times what a run produces here.
    private const int SamplesPerSession = 200_000;

    public static async Task<Metrics> RunAsync(
        Dialer dialer, IReadOnlyList<IPEndPoint> destinations, int sessions, int messageBytes, TimeSpan duration, CancellationToken ct)
    {
        var sockets = await Task.WhenAll(Enumerable.Range(0, sessions)
            .Select(i => dialer.ConnectAsync(destinations[i % destinations.Count], ct)));
        try
        {
            var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var recorders = sockets.Select(_ => new LatencyRecorder(SamplesPerSession)).ToArray();
            var start = Stopwatch.GetTimestamp();
            await Task.WhenAll(sockets.Select((s, i) => SessionAsync(s, messageBytes, recorders[i], end, ct)));
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            var exchanges = recorders.Sum(r => (long)r.Count + r.Dropped);
            var percentile = LatencyRecorder.Percentiles(recorders);
            return new Metrics
            {
                ["sessions"] = sessions,
                ["exchanges"] = exchanges,
                ["seconds"] = seconds,
                ["exchanges_per_s"] = exchanges / seconds,
                ["rtt_p50_us"] = percentile(50),
                ["rtt_p99_us"] = percentile(99),
                ["rtt_p999_us"] = percentile(99.9),
                ["samples_dropped"] = recorders.Sum(r => r.Dropped),
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

    private static async Task SessionAsync(Socket socket, int messageBytes, LatencyRecorder recorder, long end, CancellationToken ct)
    {
        var request = new byte[messageBytes];
        var response = new byte[messageBytes];
        for (var i = 0; Stopwatch.GetTimestamp() < end; i++)
        {
            request[0] = (byte)i;
            var t0 = Stopwatch.GetTimestamp();
            await SocketIo.SendAllAsync(socket, request, ct);
            await SocketIo.ReceiveExactlyAsync(socket, response, ct);
            recorder.Record(Stopwatch.GetTimestamp() - t0);
            if (response[0] != request[0])
            {
                throw new InvalidDataException("echo returned a different message");
            }
        }
    }
}
