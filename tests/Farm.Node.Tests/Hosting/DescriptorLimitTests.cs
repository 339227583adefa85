using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 16 item 9: a node whose process may open few descriptors derives its session cap from the
/// limit and caps each source, so one client holding hundreds of idle connections cannot keep a
/// second client, the admin endpoint or the metrics endpoint from being served.
/// </summary>
public sealed partial class DescriptorLimitTests
{
    // The started node itself holds about 300 (the runtime keeps its assemblies open): 1024 leave it about 250 sessions.
    private const int DescriptorLimit = 1024;
    private const int IdleConnections = 450;
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.3");

    /// <summary>
    /// Outsider review F3: the reserve is not a fixed guess but what the started node holds (counted here
    /// in its /proc/PID/fd too) plus a margin, stated with the session cap in one start line.
    /// </summary>
    [Fact]
    public async Task StartLine_StatesTheDescriptorsHeldAtStartAndTheReserve_AndTheCapFollowsFromThem()
    {
        var admin = TestPorts.Next();
        var telemetry = TestPorts.Next();
        await using var node = await ExternalNodeProcess.StartAsync(
            "127.0.0.1:0",
            new Dictionary<string, string>
            {
                ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{admin}",
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
            },
            descriptorLimit: DescriptorLimit);

        var line = await node.WaitForDiagnosticAsync(StartLine());
        var reserve = int.Parse(line.Groups["reserve"].Value, CultureInfo.InvariantCulture);
        var open = int.Parse(line.Groups["open"].Value, CultureInfo.InvariantCulture);
        var margin = int.Parse(line.Groups["margin"].Value, CultureInfo.InvariantCulture);
        var sessions = int.Parse(line.Groups["sessions"].Value, CultureInfo.InvariantCulture);
        var heldNow = Directory.GetFileSystemEntries($"/proc/{node.ProcessId}/fd").Length;

        // What the node counted is what it holds: listeners, admin, telemetry, cluster, logs and the runtime's own.
        Assert.InRange(open, Math.Max(10, heldNow - 20), heldNow + 20);
        Assert.Equal(Math.Max(256, open + margin), reserve);
        Assert.Equal((DescriptorLimit - reserve) / 2, sessions);
        var metrics = await PrometheusScrape.GetAsync(new Uri($"http://127.0.0.1:{telemetry}/"));
        Assert.Equal(sessions, metrics.Value("farm_sessions_limit"));
    }

    [Fact]
    public async Task OneSourceHoldingHundredsOfIdleConnections_OtherClientAdminAndMetricsStillServed()
    {
        // Every loopback address is one source, so the hog comes from a non-loopback address.
        await using var addresses = await LocalAddresses.AddAsync(1);
        var hog = addresses.Addresses[0];
        await using var echo = new LoopbackEchoServer();
        var admin = TestPorts.Next();
        var telemetry = TestPorts.Next();
        await using var node = await ExternalNodeProcess.StartAsync(
            "127.0.0.1:0",
            new Dictionary<string, string>
            {
                ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true",
                ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{admin}",
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
                // Idle connections are held for the whole test, not closed by the handshake deadline.
                ["FARM__SOCKS__HANDSHAKETIMEOUT"] = "00:02:00",
            },
            descriptorLimit: DescriptorLimit);

        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < IdleConnections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                socket.Bind(new IPEndPoint(hog, 0));
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await socket.ConnectAsync(node.Endpoint, deadline.Token);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // Refused over its source's cap so fast that the connect saw the reset: what the cap does.
                }
            }

            // Time for the node to accept (or refuse) every one of them.
            await Task.Delay(TimeSpan.FromSeconds(2));

            try
            {
                using var client = await RawClient.ConnectAsync(node.Endpoint, Other);
                await client.SendAsync(0x05, 0x01, 0x00);
                Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(10)));
                var port = echo.Endpoint.Port;
                await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
                Assert.Equal(0x00, (await client.ReceiveExactlyAsync(10))[1]);
                await client.SendAsync("ping"u8.ToArray());
                Assert.Equal("ping"u8.ToArray(), await client.ReceiveExactlyAsync(4));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                var notable = node.Diagnostics.Split('\n').Where(line => !line.Contains("[INFO]", StringComparison.Ordinal)).TakeLast(20);
                Assert.Fail($"the second client was not served ({e.Message}); the node's diagnostics beyond Akka's info lines:\n{string.Join('\n', notable)}");
            }

            using var http = AdminTestToken.Client(TimeSpan.FromSeconds(10));
            var policy = await http.GetAsync(new Uri($"http://127.0.0.1:{admin}/policy"));
            Assert.True(policy.IsSuccessStatusCode, $"admin /policy answered {policy.StatusCode}");
            var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{telemetry}/metrics"));
            Assert.Contains("farm_", metrics, StringComparison.Ordinal);
            Assert.Equal("live\n", await http.GetStringAsync(new Uri($"http://127.0.0.1:{telemetry}/healthz/live")));

            Assert.InRange(await node.StartedSessionCapAsync(), 1, (DescriptorLimit - 256) / 2);
            var records = node.SessionRecords();
            Assert.Contains(records, r => r.GetProperty("outcome").GetString() == "source-cap");
        }
        finally
        {
            idle.ForEach(socket => socket.Dispose());
        }
    }

    [GeneratedRegex(@"open-files limit 1024 \(reserve (?<reserve>\d+): (?<open>\d+) open at start \+ (?<margin>\d+) margin, floor Farm:Socks:DescriptorReserve 256\): sessions (?<sessions>\d+) ")]
    private static partial Regex StartLine();
}
