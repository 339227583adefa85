using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Logging;

/// <summary>
/// Issue 16 outsider review, low c: a flood of refused connects (refused by a client rule, or over
/// the source's cap) writes a few session records a second per source and one summary record for
/// the rest of each second, so the log cannot grow without bound; every refusal is still accounted
/// for, in a record of its own or in a summary, and counted in a metric.
/// </summary>
public sealed class RefusalRecordLimitTests
{
    private const int Connects = 200;
    private const int PerSecond = 5;

    [Fact]
    public async Task FloodsOfRefusedConnects_AFewRecordsASecondPerSource_TheRestSummarised()
    {
        await using var addresses = await LocalAddresses.AddAsync(1);
        var outsider = addresses.Addresses[0];
        var telemetry = TestPorts.Next();
        var policy = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(policy, "client pass from 127.0.0.0/8\n");
            await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
            {
                ["FARM__POLICY__FILE"] = policy,
                ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
                ["FARM__SOCKS__MAXSESSIONSPERSOURCE"] = "1",
                ["FARM__SOCKS__HANDSHAKETIMEOUT"] = "00:02:00",
                ["FARM__SESSIONLOG__REFUSALSPERSOURCEPERSECOND"] = PerSecond.ToString(CultureInfo.InvariantCulture),
            });

            // The outsider is refused by the client rules; loopback, holding its one place, over its cap.
            using var holder = await RawClient.ConnectAsync(node.Endpoint, IPAddress.Loopback);
            var outsiderSeconds = await FloodAsync(node.Endpoint, outsider);
            var loopbackSeconds = await FloodAsync(node.Endpoint, IPAddress.Loopback);

            var outsiderRecords = await AccountedAsync(node, $"{outsider}:", $"{outsider}/32", "client-refused");
            var loopbackRecords = await AccountedAsync(node, "127.0.0.1:", "loopback", "source-cap");

            // Each flood's records: at most PerSecond for each second it lasted, the second it started in, and the one it ended in.
            Assert.InRange(outsiderRecords, 1, PerSecond * ((int)Math.Ceiling(outsiderSeconds) + 2));
            Assert.InRange(loopbackRecords, 1, PerSecond * ((int)Math.Ceiling(loopbackSeconds) + 2));
            var scrape = await PrometheusScrape.GetAsync(new Uri($"http://127.0.0.1:{telemetry}/"));
            Assert.Equal((2 * Connects) - outsiderRecords - loopbackRecords, scrape.Value("farm_session_records_suppressed_total"));
        }
        finally
        {
            File.Delete(policy);
        }
    }

    /// <summary>Connects one after another, each closed by the node or the test at once; the seconds it took.</summary>
    private static async Task<double> FloodAsync(IPEndPoint node, IPAddress from)
    {
        var started = DateTime.UtcNow;
        for (var i = 0; i < Connects; i++)
        {
            using var socket = await IdleConnection.OpenAsync(node, from, TimeSpan.FromSeconds(5));
        }

        return (DateTime.UtcNow - started).TotalSeconds;
    }

    /// <summary>
    /// Waits until every refusal of the flood is in the log, in a record of its own (outcome
    /// <paramref name="outcome"/>) or in a summary naming <paramref name="source"/>; the records of their own.
    /// </summary>
    private static async Task<int> AccountedAsync(ExternalNodeProcess node, string clientPrefix, string source, string outcome)
    {
        var own = 0;
        var summarised = 0;
        for (var attempt = 0; attempt < 150; attempt++)
        {
            var records = node.SessionRecords();
            own = records.Count(r => r.GetProperty("client").GetString()!.StartsWith(clientPrefix, StringComparison.Ordinal) && r.GetProperty("outcome").GetString() == outcome);
            var summaries = records.Where(r => r.GetProperty("outcome").GetString() == "refusals-summarised" && r.GetProperty("client").GetString() == source).ToList();
            summarised = summaries.Sum(r => r.GetProperty("suppressed").GetInt32());
            Assert.All(summaries, r => Assert.Matches($@"^\d+ more refused from {source} in \d+\.\d s$", r.GetProperty("reason").GetString()));
            if (own + summarised >= Connects)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(own + summarised == Connects, $"{source}: {own} records of their own and {summarised} summarised, of {Connects} refused");
        Assert.True(summarised > 0, $"{source}: every one of {Connects} refusals got a record of its own");
        return own;
    }
}
