using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 16 item 9: a node whose process may open few descriptors derives its session cap from the
/// limit and caps each source, so one client holding hundreds of idle connections cannot keep a
/// second client, the admin endpoint or the metrics endpoint from being served.
/// </summary>
public sealed class DescriptorLimitTests
{
    private const int DescriptorLimit = 512;
    private const int IdleConnections = 450;
    private static readonly IPAddress Hog = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.3");

    [Fact]
    public async Task OneSourceHoldingHundredsOfIdleConnections_OtherClientAdminAndMetricsStillServed()
    {
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
                socket.Bind(new IPEndPoint(Hog, 0));
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

            Assert.Matches(@"open-files limit 512 .*sessions 128", node.Diagnostics);
            var records = node.SessionRecords();
            Assert.Contains(records, r => r.GetProperty("outcome").GetString() == "source-cap");
        }
        finally
        {
            idle.ForEach(socket => socket.Dispose());
        }
    }
}
