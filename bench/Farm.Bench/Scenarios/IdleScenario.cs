using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Farm.Bench.Client;
using Farm.Bench.Measure;

namespace Farm.Bench.Scenarios;

/// <summary>
/// Opens many proxied sessions (each proven with a 1-byte echo), holds them idle, charges the
/// growth of the proxy's resident memory to them, then uses every session once more.
/// </summary>
/// <remarks>
/// Growth is counted from the proxy's memory after a short warm-up at the start of the benchmark
/// (<c>baseline</c>), and also from its memory at the very start (<c>coldBaseline</c>), not from just
/// before this run: a process keeps the memory of sessions it has closed (malloc arenas, thread
/// stacks, Dante's children, the GC heap), so a second run on the same process measured from its own
/// start showed about 0 KiB per session.
/// </remarks>
public static class IdleScenario
{
    private const int Concurrency = 64;
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    public static async Task<Metrics> RunAsync(
        Dialer dialer, IReadOnlyList<IPEndPoint> destinations, int sessions, TimeSpan settle, MemorySample coldBaseline, MemorySample baseline, CancellationToken ct)
    {
        var pid = dialer.Target.Pid;
        var before = pid is { } p0 ? MemorySample.Of(p0) : default;

        var sockets = new Socket?[sessions];
        try
        {
            var openStart = Stopwatch.GetTimestamp();
            await ForEachAsync(sessions, async i =>
            {
                var socket = await dialer.ConnectAsync(destinations[i % destinations.Count], ct);
                try
                {
                    await EchoAsync(socket, [(byte)i], ct);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                sockets[i] = socket;
            }, ct);
            var openSeconds = Stopwatch.GetElapsedTime(openStart).TotalSeconds;
            var opened = sockets.Count(s => s is not null);

            // Lets the proxy finish any lazy per-session work (and Dante spawn its children) before the sample.
            await Task.Delay(settle, ct);
            var after = pid is { } p1 ? MemorySample.Of(p1) : default;
            var processes = pid is { } p2 ? ProcessTree.Count(p2) : 0;

            var usable = 0;
            await ForEachAsync(sessions, async i =>
            {
                if (sockets[i] is { } socket)
                {
                    var message = new byte[8];
                    BinaryPrimitives.WriteInt64LittleEndian(message, i * 7919L);
                    await EchoAsync(socket, message, ct);
                    Interlocked.Increment(ref usable);
                }
            }, ct);

            var metrics = new Metrics
            {
                ["sessions"] = sessions,
                ["opened"] = opened,
                ["usable"] = usable,
                ["open_s"] = openSeconds,
            };
            if (pid is not null)
            {
                metrics["rss_baseline_kib"] = baseline.RssKiB;
                metrics["rss_before_kib"] = before.RssKiB;
                metrics["rss_after_kib"] = after.RssKiB;
                metrics["pss_baseline_kib"] = baseline.PssKiB;
                metrics["pss_before_kib"] = before.PssKiB;
                metrics["pss_after_kib"] = after.PssKiB;
                metrics["processes"] = processes;
                metrics["rss_cold_baseline_kib"] = coldBaseline.RssKiB;
                metrics["rss_kib_per_session"] = (after.RssKiB - baseline.RssKiB) / (double)Math.Max(opened, 1);
                metrics["pss_kib_per_session"] = (after.PssKiB - baseline.PssKiB) / (double)Math.Max(opened, 1);
                metrics["rss_cold_kib_per_session"] = (after.RssKiB - coldBaseline.RssKiB) / (double)Math.Max(opened, 1);
            }

            return metrics;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    private static async Task EchoAsync(Socket socket, byte[] message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(OperationTimeout);
        await SocketIo.SendAllAsync(socket, message, timeout.Token);
        var echoed = new byte[message.Length];
        await SocketIo.ReceiveExactlyAsync(socket, echoed, timeout.Token);
        if (!echoed.AsSpan().SequenceEqual(message))
        {
            throw new InvalidDataException("echo returned a different message");
        }
    }

    /// <summary>Runs <paramref name="action"/> for 0..count-1 with bounded concurrency; a failed item only counts as not done.</summary>
    private static Task ForEachAsync(int count, Func<int, Task> action, CancellationToken ct) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct },
            async (i, _) =>
            {
                try
                {
                    await action(i);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or EndOfStreamException or InvalidDataException or Socks5Exception)
                {
                    // Counted by the caller as a session not opened or not usable.
                }
            });
}
