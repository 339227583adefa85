using System.Globalization;
using System.Net;
using System.Text;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Outsider review of issue 16 (att16b, MED/HIGH): a name lookup holds descriptors the session cap does not
/// count (a UDP socket per query). Under <c>ulimit -n 1024</c>, with a raised per-source cap, CONNECTs to
/// names a DNS server never answers took 1018 descriptors. The node now keeps at most 16 lookups in flight,
/// at most half of them for one source: a source flooding unanswered lookups cannot run the node out of
/// descriptors nor keep another source's name from being resolved.
/// </summary>
public sealed class LookupFloodTests
{
    private const int DescriptorLimit = 1024;
    private const int MaxFlood = 200;

    // A source's share of the node's 16 lookup places.
    private const int SourceShare = 8;

    // What the lookups may add: 16 lookups of two sockets each.
    private const int LookupDescriptors = 32;

    // Threads, timers and the telemetry scrape may open a few descriptors of their own meanwhile.
    private const int Slack = 40;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task OneSourceFloodsUnansweredLookups_DescriptorsStayBounded_AnotherSourcesNameStillResolves()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var flooder = addresses.Addresses[0];
        await using var echo = new LoopbackEchoServer();
        await using var dns = new CountingDnsServer([IPAddress.Loopback], name => name.EndsWith(".silent.test", StringComparison.OrdinalIgnoreCase) ? null : [IPAddress.Loopback]);
        var policy = Path.GetTempFileName();
        var flood = new List<RawClient>();
        try
        {
            await File.WriteAllTextAsync(policy, $"""
                client pass from 127.0.0.0/8
                client pass from 10.250.0.0/16
                pass connect to *.silent.test name silent
                pass bind to *.silent.test name silent-bind
                pass connect to good.test port {echo.Endpoint.Port} name good
                """);
            await using var node = await ExternalNodeProcess.StartAsync(
                "127.0.0.1:0",
                new Dictionary<string, string>
                {
                    ["FARM__POLICY__FILE"] = policy,
                    ["FARM__RESOLVER__SERVERS__0"] = dns.Endpoint.ToString(),
                    // Every query waits as long as the request may: only the connect timeout ends it.
                    ["FARM__RESOLVER__QUERYTIMEOUT"] = "00:01:00",
                    ["FARM__SOCKS__CONNECTTIMEOUT"] = ConnectTimeout.ToString(),
                    ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = "1000",
                    ["FARM__SOCKS__MAXPENDINGHANDSHAKESPERSOURCE"] = "1000",
                },
                descriptorLimit: DescriptorLimit);
            var cap = await node.StartedSessionCapAsync();
            var floodCount = Math.Min(MaxFlood, cap - 10);
            var before = Descriptors(node.ProcessId);

            // BINDs wait for their lookups as long as the query timeout (the BIND timeout is longer): they hold the flooder's share.
            for (var i = 0; i < SourceShare; i++)
            {
                flood.Add(await RequestAsync(node.Endpoint, flooder, 0x02, $"b{i}.silent.test"));
            }

            for (var i = 0; i < floodCount - SourceShare; i++)
            {
                flood.Add(await RequestAsync(node.Endpoint, flooder, 0x01, $"n{i}.silent.test"));
            }

            // The most the node holds while the flood's lookups wait (each waits the whole connect timeout).
            var most = 0;
            for (var sample = 0; sample < 10; sample++)
            {
                await Task.Delay(300);
                most = Math.Max(most, Descriptors(node.ProcessId));
            }

            Assert.True(
                most <= before + floodCount + LookupDescriptors + Slack,
                $"the node held {most} descriptors: {before} before the flood + {floodCount} flooding clients + {most - before - floodCount} more (at most {LookupDescriptors + Slack} expected); DNS queries seen {dns.TotalQueries}");

            // Another source's name is still resolved and dialed while the flood waits.
            using (var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x01, "good.test", echo.Endpoint.Port))
            {
                Assert.Equal(0x00, probe.Reply);
                await probe.Client.SendAsync("ping"u8.ToArray());
                Assert.Equal("ping"u8.ToArray(), await probe.Client.ReceiveExactlyAsync(4));
            }

            // A flooding CONNECT gets no lookup place while its source's share is held: told host unreachable within its time limit, and recorded.
            var last = await flood[^1].ReceiveExactlyAsync(10, ConnectTimeout + TimeSpan.FromSeconds(15));
            Assert.Equal(0x04, last[1]);
            await WaitForAsync(() => node.SessionRecords().Any(r => r.GetProperty("outcome").GetString() == "no-lookup-place"), "a no-lookup-place record");
        }
        finally
        {
            flood.ForEach(client => client.Dispose());
            File.Delete(policy);
        }
    }

    /// <summary>A connection from <paramref name="from"/> that has sent its SOCKS5 request and waits for the reply.</summary>
    private static async Task<RawClient> RequestAsync(IPEndPoint node, IPAddress from, byte command, string name)
    {
        var client = await RawClient.ConnectAsync(node, from);
        try
        {
            await client.SendAsync(0x05, 0x01, 0x00);
            Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(10)));
            await client.SendAsync(Request(command, name, 443));
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static int Descriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd").Length;

    private static byte[] Request(byte command, string name, int port) =>
        [0x05, command, 0x00, 0x03, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), (byte)(port >> 8), (byte)port];

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        for (var waited = 0; waited < 150; waited++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no {what} within 30 s");
    }
}
