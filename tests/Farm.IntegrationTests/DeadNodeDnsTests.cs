using System.Diagnostics;
using System.Globalization;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Clients never wait on a dead node: the lighthouse drops a killed node from DNS on the lost
/// association, a frozen one and one whose listener does not answer on its SOCKS listener probe, and
/// exports what it hands out as <c>farm_dns_nodes_served</c>.
/// </summary>
public sealed class DeadNodeDnsTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string FarmName = "socks.farm.test";

    // The brief's bound is 1 s; half a second more allows for a loaded CI machine.
    private static readonly TimeSpan KilledBound = TimeSpan.FromSeconds(1.5);

    private static readonly TimeSpan FrozenBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task KilledNode_LeavesDnsWithinASecond_GaugeShowsItHeldBack()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        await WaitForAnswerAsync(answer => answer.Length == FarmHarness.NodeCount);
        Assert.Equal(1, MetricsText.Value(await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/metrics"), "farm_dns_nodes_served", "node=\"node2\""));

        var clock = Stopwatch.StartNew();
        Farm.Node(2).KillHard();
        var gone = await GoneAsync(Farm.SocksAddress(2), clock, KilledBound + TimeSpan.FromSeconds(10));

        Output.WriteLine($"SIGKILL to disappearance from {FarmName}: {gone.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms (bound {KilledBound.TotalMilliseconds} ms)");
        Assert.True(gone <= KilledBound, $"node 2 left DNS after {gone.TotalMilliseconds:F0} ms, over {KilledBound.TotalMilliseconds} ms");
        Assert.Equal([Farm.SocksAddress(1), Farm.SocksAddress(3)], (await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A")).Order());
        var metrics = await ScrapeUntilAsync(text => MetricsText.Value(text, "farm_dns_nodes_served", "node=\"node2\"") == 0);
        Assert.Equal(1, MetricsText.Value(metrics, "farm_dns_nodes_served", "node=\"node1\""));
    }

    [Fact]
    public async Task FrozenNode_LeavesDnsWithinFiveSeconds_OnTheProbe_ReturnsWhenThawed()
    {
        // A failure detector slower than the bound: only the listener probe can take the node out in time.
        Farm.MemberSettings["FARM__CLUSTER__FAILUREDETECTION__ACCEPTABLEHEARTBEATPAUSE"] = "00:00:30";
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        await WaitForAnswerAsync(answer => answer.Length == FarmHarness.NodeCount);

        var clock = Stopwatch.StartNew();
        Farm.Node(2).Freeze();
        TimeSpan gone;
        try
        {
            gone = await GoneAsync(Farm.SocksAddress(2), clock, FrozenBound + TimeSpan.FromSeconds(10));
        }
        finally
        {
            Farm.Node(2).Thaw();
        }

        Output.WriteLine($"SIGSTOP to disappearance from {FarmName}: {gone.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms (bound {FrozenBound.TotalMilliseconds} ms)");
        Assert.True(gone <= FrozenBound, $"frozen node 2 left DNS after {gone.TotalMilliseconds:F0} ms, over {FrozenBound.TotalMilliseconds} ms");
        Assert.Contains(Farm.Lighthouse!.Tail(200).Split(Environment.NewLine), line => line.Contains("node2: SOCKS listener probe failed", StringComparison.Ordinal));

        var thawed = Stopwatch.StartNew();
        await WaitForAnswerAsync(answer => answer.Contains(Farm.SocksAddress(2)));
        Output.WriteLine($"SIGCONT to return: {thawed.ElapsedMilliseconds} ms");
        await AssertAllowedAsync(2);
    }

    [Fact]
    public async Task NodeAdvertisingAnAddressNobodyListensOn_IsNeverHandedOut()
    {
        // Node 3 listens on its own address but advertises another: clients sent there would be refused.
        const string Silent = "127.0.0.23";
        Farm.NodeSettings[3] = new() { ["FARM__SOCKS__ADVERTISEDADDRESS"] = Silent };
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        await WaitForAnswerAsync(answer => answer.Length >= 2 && answer.Contains(Farm.SocksAddress(1)) && answer.Contains(Farm.SocksAddress(2)));
        await Farm.Lighthouse!.WaitForLineAsync(line => line.Contains("node3: SOCKS listener probe failed", StringComparison.Ordinal), Converge);

        // Probes keep failing: the address stays out, round after round.
        for (var i = 0; i < 10; i++)
        {
            Assert.DoesNotContain(Silent, await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A"));
            await Task.Delay(300);
        }

        await ScrapeUntilAsync(text => MetricsText.Value(text, "farm_dns_nodes_served", "node=\"node3\"") == 0);
        await AssertAllowedAsync(3);
    }

    /// <summary>The lighthouse's scrape once it satisfies <paramref name="expected"/>: the exporter caches a scrape for a moment.</summary>
    private async Task<string> ScrapeUntilAsync(Func<string, bool> expected)
    {
        var clock = Stopwatch.StartNew();
        string text;
        while (!expected(text = await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/metrics")))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "the lighthouse's metrics never showed it");
            await Task.Delay(100);
        }

        return text;
    }

    /// <summary>Polls the farm name until <paramref name="address"/> is gone; the time it took since <paramref name="clock"/> started.</summary>
    private async Task<TimeSpan> GoneAsync(string address, Stopwatch clock, TimeSpan giveUp)
    {
        string[] answer;
        do
        {
            answer = await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A");
            if (!answer.Contains(address))
            {
                return clock.Elapsed;
            }

            await Task.Delay(20);
        }
        while (clock.Elapsed < giveUp);

        Assert.Fail($"{address} still in DNS after {giveUp.TotalSeconds} s: {string.Join(' ', answer)}");
        return clock.Elapsed;
    }

    private async Task WaitForAnswerAsync(Func<string[], bool> expected)
    {
        var deadline = Stopwatch.StartNew();
        string[] answer;
        while (!expected(answer = await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A")))
        {
            Assert.True(deadline.Elapsed < Converge, $"DNS never answered as expected; last: {string.Join(' ', answer)}");
            await Task.Delay(100);
        }
    }
}
