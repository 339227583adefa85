using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 16 outsider finding F3 (a): UDP associations and BIND waits move no TCP byte, and were never judged
/// idle, so one source could hold a full node with them and fair-share eviction could take none. An
/// association with no datagram either way, and a BIND wait, for <c>Farm:Socks:EvictIdleAfter</c> is now
/// taken by a newcomer like an idle relay, and ends with an <c>evicted</c> record.
/// </summary>
public sealed class IdleUdpAndBindEvictionTests
{
    private const int Cap = 2;
    private static readonly TimeSpan EvictIdleAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("udp-associate")]
    [InlineData("bind")]
    public async Task NodeFullOfOneSourcesIdleHoldings_NewcomerTakesOne(string command)
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var holder = addresses.Addresses[0];
        await using var echo = new LoopbackEchoServer();
        var policy = Path.GetTempFileName();
        var held = new List<RawClient>();
        RawClient? newcomer = null;
        try
        {
            await File.WriteAllTextAsync(policy, $"""
                client pass from 127.0.0.0/8
                client pass from 10.250.0.0/16
                pass connect to 127.0.0.1 port {echo.Endpoint.Port} name echo
                pass udp from 10.250.0.0/16 to 127.0.0.1 name datagrams
                pass bind from 10.250.0.0/16 to 127.0.0.1 name waits
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__SOCKS__MAXSESSIONS"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__EVICTIDLEAFTER"] = EvictIdleAfter.ToString(),
                ["FARM__SOCKS__BINDTIMEOUT"] = "00:02:00",
            });
            for (var i = 0; i < Cap; i++)
            {
                held.Add(await HoldingAsync(node.Endpoint, holder, command));
            }

            newcomer = await ServedWithinAsync(node.Endpoint, echo.Endpoint.Port);
            Assert.True(newcomer is not null, $"a newcomer was not served within {Deadline}; records: {Outcomes(node)}");

            var evicted = await EvictedRecordAsync(node);
            Assert.Equal(command, evicted.GetProperty("command").GetString());
            Assert.Equal("idle-relay", evicted.GetProperty("reason").GetString());
            Assert.StartsWith($"{holder}:", evicted.GetProperty("client").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            held.ForEach(client => client.Dispose());
            newcomer?.Dispose();
            File.Delete(policy);
        }
    }

    /// <summary>A UDP association or a BIND wait, granted by its first reply, held open.</summary>
    internal static async Task<RawClient> HoldingAsync(IPEndPoint node, IPAddress from, string command)
    {
        var client = await RawClient.ConnectAsync(node, from);
        try
        {
            await client.SendAsync(0x05, 0x01, 0x00);
            Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(15)));
            byte code = command == "bind" ? (byte)0x02 : (byte)0x03;
            byte[] target = command == "bind" ? [127, 0, 0, 1, 0x1F, 0x90] : [0, 0, 0, 0, 0, 0];
            await client.SendAsync([0x05, code, 0x00, 0x01, .. target]);
            Assert.Equal(0x00, (await client.ReceiveExactlyAsync(10, TimeSpan.FromSeconds(15)))[1]);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task<System.Text.Json.JsonElement> EvictedRecordAsync(ExternalNodeProcess node)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var evicted = node.SessionRecords().Where(r => r.GetProperty("outcome").GetString() == "evicted").ToList();
            if (evicted.Count > 0 || DateTime.UtcNow > until)
            {
                Assert.Single(evicted);
                return evicted[0];
            }

            await Task.Delay(250);
        }
    }

    private static string Outcomes(ExternalNodeProcess node) =>
        string.Join(' ', node.SessionRecords().GroupBy(r => r.GetProperty("outcome").GetString()).Select(g => $"{g.Key}={g.Count()}"));

    /// <summary>A relayed CONNECT from loopback, tried until the deadline; null when the full node closed every try.</summary>
    private static async Task<RawClient?> ServedWithinAsync(IPEndPoint node, int echoPort)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            RawClient? client = null;
            try
            {
                client = await RawClient.ConnectAsync(node, IPAddress.Loopback);
                await client.SendAsync(0x05, 0x01, 0x00);
                if ((await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(10))).SequenceEqual(new byte[] { 0x05, 0x00 }))
                {
                    await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(echoPort >> 8), (byte)echoPort);
                    if ((await client.ReceiveExactlyAsync(10, TimeSpan.FromSeconds(10)))[1] == 0x00)
                    {
                        await client.SendAsync("ping"u8.ToArray());
                        Assert.Equal("ping"u8.ToArray(), await client.ReceiveExactlyAsync(4, TimeSpan.FromSeconds(10)));
                        return client;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
            {
                // Closed by the full node: tried again until the deadline.
            }

            client?.Dispose();
            await Task.Delay(250);
        }

        return null;
    }
}
