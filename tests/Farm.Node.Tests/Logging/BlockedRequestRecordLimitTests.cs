using System.Globalization;
using System.Net;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Logging;

/// <summary>
/// Outsider review of issue 16, F5: only client-rule and cap refusals were limited per source; a
/// blocked request (or a protocol error, or a throttled login) wrote a record each, 4,000 in 3.3 s
/// from one source. Every refusal record is now limited per source the same way, and another source's
/// refusal is still recorded. Real node process, real SOCKS5 requests.
/// </summary>
public sealed class BlockedRequestRecordLimitTests
{
    private const int Requests = 150;
    private const int PerSecond = 5;

    [Fact]
    public async Task FloodOfBlockedRequestsFromOneSource_AFewRecordsASecond_AnotherSourcesRefusalStillRecorded()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var other = addresses.Addresses[0];
        var telemetry = TestPorts.Next();
        var policy = Path.GetTempFileName();
        try
        {
            // Clients are let in; connects to port 9 are blocked (a pass rule elsewhere makes the node offer no-auth).
            await File.WriteAllTextAsync(policy, $"client pass from 127.0.0.0/8\nclient pass from {other}\nblock connect to 127.0.0.1 port 9 name blocked\npass connect to 127.0.0.1 port 7 name other\n");
            await using var node = await ExternalNodeProcess.StartAsync("0.0.0.0:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
                ["FARM__SESSIONLOG__REFUSALSPERSOURCEPERSECOND"] = PerSecond.ToString(CultureInfo.InvariantCulture),
            });
            var endpoint = new IPEndPoint(IPAddress.Loopback, node.Endpoint.Port);

            var started = DateTime.UtcNow;
            for (var i = 0; i < Requests; i++)
            {
                using var probe = await SocksProbe.Socks5Async(endpoint, 0x01, "127.0.0.1", 9);
                Assert.Equal(0x02, probe.Reply);
            }

            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            using (var refused = await SocksProbe.Socks5Async(new IPEndPoint(other, node.Endpoint.Port), 0x01, "127.0.0.1", 9, other))
            {
                Assert.Equal(0x02, refused.Reply);
            }

            var own = 0;
            var summarised = 0;
            var otherRecorded = false;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                var records = node.SessionRecords();
                own = records.Count(r => r.GetProperty("client").GetString()!.StartsWith("127.0.0.1:", StringComparison.Ordinal) && r.GetProperty("outcome").GetString() == "refused");
                summarised = records.Where(r => r.GetProperty("outcome").GetString() == "refusals-summarised" && r.GetProperty("client").GetString() == "loopback").Sum(r => r.GetProperty("suppressed").GetInt32());
                otherRecorded = records.Any(r => r.GetProperty("client").GetString()!.StartsWith($"{other}:", StringComparison.Ordinal) && r.GetProperty("outcome").GetString() == "refused");
                if (own + summarised >= Requests && otherRecorded)
                {
                    break;
                }

                await Task.Delay(100);
            }

            Assert.True(otherRecorded, "the other source's refusal has no record");
            Assert.Equal(Requests, own + summarised);
            Assert.InRange(own, 1, PerSecond * ((int)Math.Ceiling(seconds) + 2));
            var scrape = await PrometheusScrape.GetAsync(new Uri($"http://127.0.0.1:{telemetry}/"));
            Assert.Equal(summarised, scrape.Value("farm_session_records_suppressed_total"));
        }
        finally
        {
            File.Delete(policy);
        }
    }
}
