using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 16 outsider review F1: a source whose requests the policy passes completes its handshakes and
/// holds idle relays until the node is full. A newcomer from another source, under its fair share, then
/// takes the place of the attacker's longest-idle relay once it has been idle for
/// <c>Farm:Socks:EvictIdleAfter</c>; relays that keep moving bytes are never taken, and the node refuses
/// the newcomer rather than take one of them.
/// </summary>
public sealed class IdleRelayEvictionTests
{
    private const int Cap = 8;
    private const int IdleRelays = 2;
    private static readonly TimeSpan EvictIdleAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NodeFullOfOneSourcesRelays_NewcomerTakesTheIdleOnes_NeverABusyOne()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var attacker = addresses.Addresses[0];
        await using var echo = new LoopbackEchoServer();
        var telemetry = TestPorts.Next();
        var policy = Path.GetTempFileName();
        var attack = new List<RawClient>();
        var legit = new List<RawClient>();
        using var stopPinging = new CancellationTokenSource();
        try
        {
            await File.WriteAllTextAsync(policy, $"""
                client pass from 127.0.0.0/8
                client pass from 10.250.0.0/16
                pass connect to 127.0.0.1 port {echo.Endpoint.Port} name echo
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
                ["FARM__SOCKS__MAXSESSIONS"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__EVICTIDLEAFTER"] = EvictIdleAfter.ToString(),
            });

            for (var i = 0; i < Cap; i++)
            {
                attack.Add(await RelayingAsync(node.Endpoint, attacker, echo.Endpoint.Port));
            }

            // All but the first two keep moving bytes, well inside the idle time.
            var busy = attack.Skip(IdleRelays).ToList();
            var pinging = Task.WhenAll(busy.Select(client => PingUntilAsync(client, stopPinging.Token)));

            // The node is full: a newcomer is refused while nobody has been idle long enough.
            Assert.False(await TryServedAsync(node.Endpoint, echo.Endpoint.Port, legit), "a newcomer was served before any relay was idle for EvictIdleAfter");

            // Once the two idle relays have been idle long enough, the newcomer takes their places, one each.
            for (var taken = 0; taken < IdleRelays; taken++)
            {
                Assert.True(await ServedWithinAsync(node.Endpoint, echo.Endpoint.Port, legit), $"newcomer {taken + 1} was not served within {Deadline}; session records: {Outcomes(node)}");
            }

            foreach (var idle in attack.Take(IdleRelays))
            {
                await idle.ReceiveUntilClosedAsync(Deadline);
            }

            // Only busy relays are left over the newcomer's share: it is refused, none of them is taken.
            await Task.Delay(EvictIdleAfter + TimeSpan.FromSeconds(1));
            Assert.False(await TryServedAsync(node.Endpoint, echo.Endpoint.Port, legit), "a busy relay was taken");
            await stopPinging.CancelAsync();
            await pinging;
            foreach (var client in busy)
            {
                await PingAsync(client);
            }

            var records = node.SessionRecords();
            var evicted = records.Where(r => r.GetProperty("outcome").GetString() == "evicted").ToList();
            Assert.Equal(IdleRelays, evicted.Count);
            Assert.All(evicted, r => Assert.Equal("idle-relay", r.GetProperty("reason").GetString()));
            Assert.All(evicted, r => Assert.StartsWith($"{attacker}:", r.GetProperty("client").GetString(), StringComparison.Ordinal));
            var scrape = await PrometheusScrape.GetAsync(new Uri($"http://127.0.0.1:{telemetry}/"));
            Assert.Equal(IdleRelays, scrape.Value("farm_sessions_evicted_total", ("reason", "idle-relay")));
        }
        finally
        {
            await stopPinging.CancelAsync();
            attack.ForEach(client => client.Dispose());
            legit.ForEach(client => client.Dispose());
            File.Delete(policy);
        }
    }

    /// <summary>Outsider review of the eviction (att16 F4): a client the client rule refuses takes no place, so evicts nobody.</summary>
    [Fact]
    public async Task NodeFullOfIdleRelays_ClientTheRuleRefuses_EvictsNobody()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var holder = addresses.Addresses[0];
        await using var echo = new LoopbackEchoServer();
        var policy = Path.GetTempFileName();
        var held = new List<RawClient>();
        try
        {
            await File.WriteAllTextAsync(policy, $"""
                client pass from 10.250.0.0/16
                pass connect to 127.0.0.1 port {echo.Endpoint.Port} name echo
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__SOCKS__MAXSESSIONS"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__EVICTIDLEAFTER"] = EvictIdleAfter.ToString(),
            });
            for (var i = 0; i < Cap; i++)
            {
                held.Add(await RelayingAsync(node.Endpoint, holder, echo.Endpoint.Port));
            }

            // Every held relay is idle long enough to be taken by a newcomer the policy admits.
            await Task.Delay(EvictIdleAfter + TimeSpan.FromSeconds(1));
            for (var i = 0; i < 5; i++)
            {
                Assert.False(await TryServedAsync(node.Endpoint, echo.Endpoint.Port, []), "a client the client rule refuses was served");
            }

            foreach (var client in held)
            {
                await PingAsync(client);
            }

            // The refusals' records are written as they happen; the log is read until they are all there.
            var until = DateTime.UtcNow + Deadline;
            var records = node.SessionRecords();
            while (records.Count(r => r.GetProperty("outcome").GetString() == "client-refused") < 5 && DateTime.UtcNow < until)
            {
                await Task.Delay(250);
                records = node.SessionRecords();
            }

            Assert.Equal(5, records.Count(r => r.GetProperty("outcome").GetString() == "client-refused"));
            Assert.DoesNotContain(records, r => r.GetProperty("outcome").GetString() == "evicted");
        }
        finally
        {
            held.ForEach(client => client.Dispose());
            File.Delete(policy);
        }
    }

    private static string Outcomes(ExternalNodeProcess node) =>
        string.Join(' ', node.SessionRecords().GroupBy(r => r.GetProperty("outcome").GetString()).Select(g => $"{g.Key}={g.Count()}"));

    private static async Task<bool> ServedWithinAsync(IPEndPoint node, int echoPort, List<RawClient> served)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            if (await TryServedAsync(node, echoPort, served))
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>A newcomer from loopback: true when relayed, false when the full node closed it.</summary>
    private static async Task<bool> TryServedAsync(IPEndPoint node, int echoPort, List<RawClient> served)
    {
        try
        {
            served.Add(await RelayingAsync(node, IPAddress.Loopback, echoPort));
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>A relayed session to the echo server that has moved one ping.</summary>
    private static async Task<RawClient> RelayingAsync(IPEndPoint node, IPAddress from, int echoPort)
    {
        var client = await RawClient.ConnectAsync(node, from);
        try
        {
            await client.SendAsync(0x05, 0x01, 0x00);
            if (!(await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(10))).SequenceEqual(new byte[] { 0x05, 0x00 }))
            {
                throw new InvalidDataException("greeting refused");
            }

            await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(echoPort >> 8), (byte)echoPort);
            if ((await client.ReceiveExactlyAsync(10, TimeSpan.FromSeconds(10)))[1] != 0x00)
            {
                throw new InvalidDataException("request refused");
            }

            await PingAsync(client);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task PingAsync(RawClient client)
    {
        await client.SendAsync("ping"u8.ToArray());
        Assert.Equal("ping"u8.ToArray(), await client.ReceiveExactlyAsync(4, TimeSpan.FromSeconds(10)));
    }

    private static async Task PingUntilAsync(RawClient client, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await PingAsync(client);
            await Task.Delay(200, CancellationToken.None);
        }
    }
}
