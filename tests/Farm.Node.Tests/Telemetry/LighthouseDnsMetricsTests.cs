using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Telemetry;

/// <summary>Issue 16 item 10: a UDP flood from one source shows in the lighthouse's scrape as limited responses.</summary>
public sealed partial class LighthouseDnsMetricsTests
{
    [Fact]
    public async Task UdpFlood_OneSource_DroppedAndSlippedInScrape()
    {
        var dns = new IPEndPoint(IPAddress.Loopback, TestPorts.Next());
        var metrics = $"127.0.0.1:{TestPorts.Next()}";
        await using var lighthouse = LighthouseProcess.Start(new Dictionary<string, string>
        {
            ["FARM__DNS__LISTEN__0"] = dns.ToString(),
            ["FARM__TELEMETRY__LISTEN"] = metrics,
            ["FARM__ADMIN__LISTEN"] = "127.0.0.1:0",
            ["FARM__CLUSTER__PORT"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture),
            ["FARM__DNS__RATELIMIT__RESPONSESPERSECOND"] = "20",
            ["FARM__DNS__RATELIMIT__BURST"] = "40",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string scrape = string.Empty;
        for (var i = 0; i < 60 && !scrape.Contains("farm_dns_queries_total", StringComparison.Ordinal); i++)
        {
            Assert.False(lighthouse.HasExited, "the lighthouse exited");
            await Task.Delay(500);
            scrape = await TryScrapeAsync(http, metrics);
        }

        // The metrics endpoint can answer before the DNS listener is bound; a flood sent then is lost.
        Assert.True(await AnswersAsync(dns), "the lighthouse's DNS listener never answered a query");

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        for (var id = 0; id < 200; id++)
        {
            await socket.SendToAsync(ApexAnyQuery(id), SocketFlags.None, dns);
        }

        await Task.Delay(500);
        scrape = await TryScrapeAsync(http, metrics);

        var dropped = Counter(scrape, "drop");
        var slipped = Counter(scrape, "slip");
        Assert.True(dropped >= 60 && slipped >= 60, $"dropped {dropped}, slipped {slipped} of 200 from one source:\n{scrape}");
    }

    // The apex, ANY: the largest answer the zone has.
    private static byte[] ApexAnyQuery(int id) =>
        [(byte)(id >> 8), (byte)id, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, .. "farm"u8, 4, .. "test"u8, 0, 0, 255, 0, 1];

    private static async Task<bool> AnswersAsync(IPEndPoint dns)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
        var reply = new byte[65535];
        for (var attempt = 0; attempt < 60; attempt++)
        {
            await probe.SendToAsync(ApexAnyQuery(attempt), SocketFlags.None, dns);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await probe.ReceiveAsync(reply, SocketFlags.None, wait.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
                // Port unreachable from an earlier probe: not bound yet.
                await Task.Delay(500);
            }
        }

        return false;
    }

    private static long Counter(string scrape, string action) =>
        LimitedLine().Matches(scrape).Where(m => m.Groups["action"].Value == action).Select(m => long.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)).SingleOrDefault(-1);

    private static async Task<string> TryScrapeAsync(HttpClient http, string endpoint)
    {
        try
        {
            return await http.GetStringAsync(new Uri($"http://{endpoint}/metrics"));
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    [GeneratedRegex(@"^farm_dns_responses_limited_total\{[^}]*action=""(?<action>\w+)""[^}]*\} (?<value>\d+)", RegexOptions.Multiline)]
    private static partial Regex LimitedLine();
}
