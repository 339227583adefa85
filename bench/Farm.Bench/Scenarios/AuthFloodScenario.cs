using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Farm.Bench.Client;

namespace Farm.Bench.Scenarios;

/// <summary>
/// Issue 16 item 8: no-auth CONNECT latency (connect, greeting, CONNECT reply) from 127.0.0.3, first
/// alone, then while 127.0.0.2 sends wrong passwords at a fixed rate. The proxy must offer no-auth
/// to 127.0.0.3 and passwords to 127.0.0.2 for <paramref name="user"/>.
/// </summary>
public static class AuthFloodScenario
{
    private static readonly IPAddress Flooder = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.3");
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    public static async Task<string> RunAsync(IPEndPoint proxy, IPEndPoint echo, string user, TimeSpan duration, int floodPerSecond, CancellationToken ct)
    {
        var quiet = await MeasureAsync(proxy, echo, duration, ct);
        using var stopFlood = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var flood = FloodAsync(proxy, user, floodPerSecond, duration, stopFlood.Token);
        var flooded = await MeasureAsync(proxy, echo, duration, ct);
        var attempts = await flood;
        return string.Create(CultureInfo.InvariantCulture, $"""
            auth-flood: no-auth CONNECT from {Client}, {duration.TotalSeconds:F0} s each, one at a time every {Pace.TotalMilliseconds:F0} ms
              without flood: n={quiet.Count} p50={Percentile(quiet, 50):F2} ms p99={Percentile(quiet, 99):F2} ms
              with {floodPerSecond}/s wrong passwords from {Flooder} ({attempts.Answered} answered 0x01, {attempts.Other} otherwise): n={flooded.Count} p50={Percentile(flooded, 50):F2} ms p99={Percentile(flooded, 99):F2} ms
              p99 ratio: x{Percentile(flooded, 99) / Percentile(quiet, 99):F2}
            """);
    }

    private static async Task<List<double>> MeasureAsync(IPEndPoint proxy, IPEndPoint echo, TimeSpan duration, CancellationToken ct)
    {
        var samples = new List<double>();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end && !ct.IsCancellationRequested)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(AttemptTimeout);
            var t0 = Stopwatch.GetTimestamp();
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
            {
                socket.Bind(new IPEndPoint(Client, 0));
                await socket.ConnectAsync(proxy, timeout.Token);
                await Socks5Handshake.ConnectAsync(socket, echo, timeout.Token);
                samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            await Task.Delay(Pace, ct);
        }

        return samples;
    }

    private static async Task<(int Answered, int Other)> FloodAsync(IPEndPoint proxy, string user, int perSecond, TimeSpan duration, CancellationToken ct)
    {
        var attempts = new List<Task<bool>>();
        var count = (int)(perSecond * duration.TotalSeconds);
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / perSecond));
        for (var i = 0; i < count && await tick.WaitForNextTickAsync(ct); i++)
        {
            attempts.Add(WrongLoginAsync(proxy, user, ct));
        }

        var results = await Task.WhenAll(attempts);
        return (results.Count(r => r), results.Count(r => !r));
    }

    /// <summary>True when the proxy answered the login with status 0x01.</summary>
    private static async Task<bool> WrongLoginAsync(IPEndPoint proxy, string user, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(AttemptTimeout);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Bind(new IPEndPoint(Flooder, 0));
            await socket.ConnectAsync(proxy, timeout.Token);
            var name = Encoding.UTF8.GetBytes(user);
            byte[] login = [5, 1, 2, 1, (byte)name.Length, .. name, 5, .. "wrong"u8];
            await SocketIo.SendAllAsync(socket, login, timeout.Token);
            var reply = new byte[4];
            await SocketIo.ReceiveExactlyAsync(socket, reply, timeout.Token);
            return reply[3] == 1;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static double Percentile(List<double> samples, int percentile)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }
}
