using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// The per-source caps count exactly: one client whose connections end at every stage (reset before
/// or during the handshake, no acceptable method, refused request, failed dial, relay reset or closed,
/// UDP ASSOCIATE, BIND, killed, drained, handshake timeout, refused over the cap) can afterwards open
/// exactly <c>MaxSessionsPerSource</c> idle connections, the next is closed at once, and when all are
/// closed the node tracks no source and holds no session. A count that drifted up would lock the
/// client out; one that drifted down would give it more than its cap.
/// </summary>
public sealed class SourceAccountingTests
{
    private const int Cap = 6;
    private const int Cycles = 200;
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task ConnectionsEndingAtEveryStage_ThenExactlyTheCapIsAdmitted_AndNothingIsLeftOpen()
    {
        await using var echo = new LoopbackEchoServer();
        var blockedPort = TestPorts.Next();
        var closedPort = TestPorts.Next();
        var admin = TestPorts.Next();
        var telemetry = TestPorts.Next();
        var policy = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(policy, $"""
                client pass from 127.0.0.0/8
                block connect to 127.0.0.1 port {blockedPort} name blocked
                pass connect to 127.0.0.1 name local
                pass bind from 127.0.0.0/8 to 127.0.0.1 name bind-local
                pass udp to 127.0.0.1 port {echo.Endpoint.Port} name udp-local
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{admin}",
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__MAXPENDINGHANDSHAKESPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__HANDSHAKETIMEOUT"] = HandshakeTimeout.ToString(),
            });
            using var http = AdminTestToken.Client(TimeSpan.FromSeconds(10), new Uri($"http://127.0.0.1:{admin}/"));
            var stages = new Func<Task>[]
            {
                () => ResetBeforeGreetingAsync(node.Endpoint),
                () => PartialGreetingThenCloseAsync(node.Endpoint),
                () => GreetingThenResetAsync(node.Endpoint),
                () => NoAcceptableMethodAsync(node.Endpoint),
                () => RequestRefusedAsync(node.Endpoint, blockedPort, 0x02),
                () => RequestRefusedAsync(node.Endpoint, closedPort, 0x05),
                () => RelayThenEndAsync(node.Endpoint, echo.Endpoint.Port, reset: true),
                () => RelayThenEndAsync(node.Endpoint, echo.Endpoint.Port, reset: false),
                () => UdpAssociateThenCloseAsync(node.Endpoint),
                () => BindThenCloseAsync(node.Endpoint),
                () => KilledAsync(node.Endpoint, echo.Endpoint.Port, http),
                () => HalfRequestThenResetAsync(node.Endpoint),
            };

            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                await stages[cycle % stages.Length]();
            }

            await DrainedAsync(node.Endpoint, echo.Endpoint.Port, http);
            await OverCapAndHandshakeTimeoutAsync(node.Endpoint);
            await WaitForNothingOpenAsync(telemetry);

            var idle = new List<RawClient>();
            try
            {
                for (var i = 0; i < Cap; i++)
                {
                    idle.Add(await RawClient.ConnectAsync(node.Endpoint, Client));
                }

                using (var over = await RawClient.ConnectAsync(node.Endpoint, Client))
                {
                    Assert.True(await ClosedAtOnceAsync(over), $"connection {Cap + 1} from one source was not closed at once: its count drifted down");
                }

                // Each of the cap is live and served: its count had not drifted up.
                foreach (var client in idle)
                {
                    await client.SendAsync(0x05, 0x01, 0x00);
                    Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(5)));
                }
            }
            finally
            {
                idle.ForEach(client => client.Dispose());
            }

            await WaitForNothingOpenAsync(telemetry);
        }
        finally
        {
            File.Delete(policy);
        }
    }

    private static async Task ResetBeforeGreetingAsync(IPEndPoint node)
    {
        using var client = await RawClient.ConnectAsync(node, Client);
        Reset(client);
    }

    private static async Task PartialGreetingThenCloseAsync(IPEndPoint node)
    {
        using var client = await RawClient.ConnectAsync(node, Client);
        await client.SendAsync(0x05);
        client.Socket.Shutdown(SocketShutdown.Send);
        await client.ReceiveUntilClosedAsync();
    }

    private static async Task GreetingThenResetAsync(IPEndPoint node)
    {
        using var client = await RawClient.ConnectAsync(node, Client);
        await GreetAsync(client);
        Reset(client);
    }

    private static async Task NoAcceptableMethodAsync(IPEndPoint node)
    {
        using var client = await RawClient.ConnectAsync(node, Client);
        await client.SendAsync(0x05, 0x01, 0x02);
        Assert.Equal(new byte[] { 0x05, 0xFF }, await client.ReceiveUntilClosedAsync());
    }

    private static async Task RequestRefusedAsync(IPEndPoint node, int port, byte reply)
    {
        using var client = await RawClient.ConnectAsync(node, Client);
        await GreetAsync(client);
        await client.SendAsync(Request(0x01, port));
        Assert.Equal(reply, (await client.ReceiveUntilClosedAsync())[1]);
    }

    private static async Task RelayThenEndAsync(IPEndPoint node, int echoPort, bool reset)
    {
        using var client = await ConnectedAsync(node, echoPort);
        if (reset)
        {
            Reset(client);
            return;
        }

        client.Socket.Shutdown(SocketShutdown.Send);
        await client.ReceiveUntilClosedAsync();
    }

    private static async Task UdpAssociateThenCloseAsync(IPEndPoint node)
    {
        using var client = await RawClient.ConnectAsync(node, Client);
        await GreetAsync(client);
        await client.SendAsync(0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, 0, 0);
        Assert.Equal(0x00, (await client.ReceiveExactlyAsync(10))[1]);
    }

    private static async Task BindThenCloseAsync(IPEndPoint node)
    {
        using var client = await RawClient.ConnectAsync(node, Client);
        await GreetAsync(client);
        await client.SendAsync(Request(0x02, 0));
        Assert.Equal(0x00, (await client.ReceiveExactlyAsync(10))[1]);
    }

    private static async Task KilledAsync(IPEndPoint node, int echoPort, HttpClient http)
    {
        using var client = await ConnectedAsync(node, echoPort);
        var port = ((IPEndPoint)client.Socket.LocalEndPoint!).Port;
        var id = await SessionIdAsync(http, port);
        (await http.PostAsJsonAsync($"sessions/{id}/kill", new { })).EnsureSuccessStatusCode();
        await client.ReceiveUntilClosedAsync();
    }

    private static async Task HalfRequestThenResetAsync(IPEndPoint node)
    {
        using var client = await RawClient.ConnectAsync(node, Client);
        await GreetAsync(client);
        await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127);
        Reset(client);
    }

    /// <summary>Sessions killed by a drain with no deadline; then the node is undrained and serves again.</summary>
    private static async Task DrainedAsync(IPEndPoint node, int echoPort, HttpClient http)
    {
        var relaying = new List<RawClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                relaying.Add(await ConnectedAsync(node, echoPort));
            }

            (await http.PostAsJsonAsync("node/drain", new { deadline_seconds = 0 })).EnsureSuccessStatusCode();
            foreach (var client in relaying)
            {
                await client.ReceiveUntilClosedAsync();
            }

            (await http.PostAsJsonAsync("node/undrain", new { })).EnsureSuccessStatusCode();
            await WaitForListenerAsync(node);
        }
        finally
        {
            relaying.ForEach(client => client.Dispose());
        }
    }

    /// <summary>The listener reopens after undrain on its own time; until then connects are refused.</summary>
    private static async Task WaitForListenerAsync(IPEndPoint node)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = await RawClient.ConnectAsync(node, Client);
                await GreetAsync(client);
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused && attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Twice the cap at once: those over it are closed at once, the rest by the handshake deadline.</summary>
    private static async Task OverCapAndHandshakeTimeoutAsync(IPEndPoint node)
    {
        var silent = new List<RawClient>();
        try
        {
            for (var i = 0; i < 2 * Cap; i++)
            {
                try
                {
                    silent.Add(await RawClient.ConnectAsync(node, Client));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // Refused over the cap before the connect completed.
                }
            }

            foreach (var client in silent)
            {
                await client.ReceiveUntilClosedAsync(HandshakeTimeout * 3);
            }
        }
        finally
        {
            silent.ForEach(client => client.Dispose());
        }
    }

    private static async Task<RawClient> ConnectedAsync(IPEndPoint node, int echoPort)
    {
        var client = await RawClient.ConnectAsync(node, Client);
        try
        {
            await GreetAsync(client);
            await client.SendAsync(Request(0x01, echoPort));
            Assert.Equal(0x00, (await client.ReceiveExactlyAsync(10))[1]);
            await client.SendAsync("ping"u8.ToArray());
            Assert.Equal("ping"u8.ToArray(), await client.ReceiveExactlyAsync(4));
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task GreetAsync(RawClient client)
    {
        await client.SendAsync(0x05, 0x01, 0x00);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2));
    }

    private static byte[] Request(byte command, int port) => [0x05, command, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port];

    private static void Reset(RawClient client) => client.Socket.LingerState = new LingerOption(true, 0);

    private static async Task<bool> ClosedAtOnceAsync(RawClient client)
    {
        try
        {
            await client.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<long> SessionIdAsync(HttpClient http, int clientPort)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var list = JsonDocument.Parse(await http.GetStringAsync(new Uri("sessions", UriKind.Relative)));
            foreach (var session in list.RootElement.GetProperty("sessions").EnumerateArray())
            {
                if (session.GetProperty("client").GetString() == $"{Client}:{clientPort}")
                {
                    return session.GetProperty("id").GetInt64();
                }
            }

            await Task.Delay(20);
        }

        throw new InvalidOperationException($"no session listed for client port {clientPort}");
    }

    /// <summary>The node holds no session and tracks no source once every connection has ended.</summary>
    private static async Task WaitForNothingOpenAsync(int telemetry)
    {
        var endpoint = new Uri($"http://127.0.0.1:{telemetry}/");
        PrometheusScrape scrape = await PrometheusScrape.GetAsync(endpoint);
        for (var i = 0; i < 100 && (scrape.Value("farm_sessions_open") != 0 || scrape.Value("farm_sessions_sources") != 0); i++)
        {
            await Task.Delay(100);
            scrape = await PrometheusScrape.GetAsync(endpoint);
        }

        Assert.Equal(0, scrape.Value("farm_sessions_open"));
        Assert.Equal(0, scrape.Value("farm_sessions_sources"));
    }
}
