using System.Diagnostics;
using System.Net;
using Farm.Bench.Client;
using Farm.Bench.Measure;

namespace Farm.Bench.Scenarios;

/// <summary>
/// Workers that each, in a loop for a fixed time: connect, do the SOCKS5 greeting and CONNECT
/// (none for the direct baseline), echo one byte, close. The handshake latency runs from the
/// start of the TCP connect to the CONNECT reply (the TCP connect alone for direct).
/// </summary>
public static class ConnectRateScenario
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(5);

    // 64 workers x 50,000 samples bounds the recorders at 25 MB, far above any rate seen here.
    private const int SamplesPerWorker = 50_000;

    public static async Task<Metrics> RunAsync(
        Dialer dialer, IReadOnlyList<IPEndPoint> destinations, int workers, TimeSpan duration, CancellationToken ct)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var recorders = Enumerable.Range(0, workers).Select(_ => new LatencyRecorder(SamplesPerWorker)).ToArray();
        var start = Stopwatch.GetTimestamp();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, workers)
            .Select(w => WorkerAsync(dialer, destinations, w, recorders[w], end, ct)));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var ok = outcomes.Sum(o => o.Ok);
        var percentile = LatencyRecorder.Percentiles(recorders);
        return new Metrics
        {
            ["workers"] = workers,
            ["connections"] = ok,
            ["failures"] = outcomes.Sum(o => o.Failed),
            ["seconds"] = seconds,
            ["conn_per_s"] = ok / seconds,
            ["hs_p50_ms"] = percentile(50) / 1000,
            ["hs_p99_ms"] = percentile(99) / 1000,
            ["samples_dropped"] = recorders.Sum(r => r.Dropped),
        };
    }

    private readonly record struct Outcome(long Ok, long Failed);

    private static async Task<Outcome> WorkerAsync(
        Dialer dialer, IReadOnlyList<IPEndPoint> destinations, int worker, LatencyRecorder recorder, long end, CancellationToken ct)
    {
        var buffer = new byte[1];
        long ok = 0;
        long failed = 0;
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            for (var i = worker; Stopwatch.GetTimestamp() < end && !ct.IsCancellationRequested; i++)
            {
                timeout.CancelAfter(OperationTimeout);
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var socket = await dialer.ConnectAsync(destinations[i % destinations.Count], timeout.Token);
                    var handshake = Stopwatch.GetTimestamp() - t0;
                    var sent = (byte)i;
                    buffer[0] = sent;
                    await SocketIo.SendAllAsync(socket, buffer, timeout.Token);
                    await SocketIo.ReceiveExactlyAsync(socket, buffer, timeout.Token);
                    if (buffer[0] != sent)
                    {
                        throw new InvalidDataException("echo returned a different byte");
                    }

                    recorder.Record(handshake);
                    ok++;
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    failed++;
                }

                if (!timeout.TryReset())
                {
                    timeout.Dispose();
                    timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                }
            }
        }
        finally
        {
            timeout.Dispose();
        }

        return new Outcome(ok, failed);
    }
}
