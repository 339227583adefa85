using System.Globalization;
using System.Net;
using System.Text;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Outsider review of issue 16 (att16c): a session past its handshake, waiting for a lookup place, resolving or
/// dialing, could not be evicted, so a source filled the node with CONNECTs to names its DNS never answers and
/// every newcomer was refused for as long as the connect timeout. Such a session now gives its place to a
/// newcomer under its fair share like an unfinished handshake (reason <c>pending-request</c>).
/// </summary>
public sealed class DialingEvictionTests
{
    private const int Cap = 8;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NodeFullOfOneSourcesUnansweredLookups_NewcomerTakesTheOldestsPlace()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var holder = addresses.Addresses[0];
        await using var echo = new LoopbackEchoServer();
        await using var dns = new CountingDnsServer([IPAddress.Loopback], _ => null);
        var telemetry = TestPorts.Next();
        var policy = Path.GetTempFileName();
        var held = new List<RawClient>();
        try
        {
            await File.WriteAllTextAsync(policy, $"""
                client pass from 127.0.0.0/8
                client pass from 10.250.0.0/16
                pass connect to *.silent.test name silent
                pass connect to 127.0.0.1 port {echo.Endpoint.Port} name echo
                """);
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
                ["FARM__RESOLVER__SERVERS__0"] = dns.Endpoint.ToString(),
                ["FARM__RESOLVER__QUERYTIMEOUT"] = "00:02:00",
                ["FARM__SOCKS__CONNECTTIMEOUT"] = "00:02:00",
                ["FARM__SOCKS__MAXSESSIONS"] = Cap.ToString(CultureInfo.InvariantCulture),
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = Cap.ToString(CultureInfo.InvariantCulture),
            });

            for (var i = 0; i < Cap; i++)
            {
                held.Add(await RequestAsync(node.Endpoint, holder, $"n{i}.silent.test"));
            }

            // Every held session has its handshake done and waits for its lookup: the node is full of them.
            await WaitForAsync(() => dns.TotalQueries >= Cap, $"{Cap} lookups at the DNS server");

            using (var newcomer = await SocksProbe.Socks5Async(node.Endpoint, 0x01, "127.0.0.1", echo.Endpoint.Port))
            {
                Assert.Equal(0x00, newcomer.Reply);
                await newcomer.Client.SendAsync("ping"u8.ToArray());
                Assert.Equal("ping"u8.ToArray(), await newcomer.Client.ReceiveExactlyAsync(4));
            }

            // The oldest held session lost its place: it is closed, the others wait on.
            await held[0].ReceiveUntilClosedAsync(Deadline);
            await WaitForAsync(() => node.SessionRecords().Any(r => r.GetProperty("outcome").GetString() == "evicted"), "an evicted record");
            var evicted = Assert.Single(node.SessionRecords(), r => r.GetProperty("outcome").GetString() == "evicted");
            Assert.Equal("pending-request", evicted.GetProperty("reason").GetString());
            Assert.StartsWith($"{holder}:", evicted.GetProperty("client").GetString(), StringComparison.Ordinal);
            var scrape = await PrometheusScrape.GetAsync(new Uri($"http://127.0.0.1:{telemetry}/"));
            Assert.Equal(1, scrape.Value("farm_sessions_evicted_total", ("reason", "pending-request")));
        }
        finally
        {
            held.ForEach(client => client.Dispose());
            File.Delete(policy);
        }
    }

    /// <summary>A connection from <paramref name="from"/> whose handshake is done and whose CONNECT to <paramref name="name"/> waits for its reply.</summary>
    private static async Task<RawClient> RequestAsync(IPEndPoint node, IPAddress from, string name)
    {
        var client = await RawClient.ConnectAsync(node, from);
        try
        {
            await client.SendAsync(0x05, 0x01, 0x00);
            Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2, TimeSpan.FromSeconds(10)));
            await client.SendAsync([0x05, 0x01, 0x00, 0x03, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), 0x01, 0xBB]);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

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
