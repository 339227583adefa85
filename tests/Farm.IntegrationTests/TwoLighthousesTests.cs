using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// No single point of failure: two lighthouses, both seeds of every member, each answering DNS (with NS
/// records naming both), PAC and service discovery. SIGKILL to the first (the oldest member, which holds
/// the policy arbiter) loses no session, the second keeps answering, and a policy apply through a node
/// succeeds once the arbiter has moved. The split-brain resolver waits its production default (20 s), so
/// an apply well within that shows the dead lighthouse was downed because its port refused connections.
/// </summary>
public sealed class TwoLighthousesTests(ITestOutputHelper output) : ClusterTestBase(output, lighthouses: 2)
{
    private const string FarmName = "socks.farm.test";

    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(20);

    // Beyond this the resolver, not the refused port, could have downed the lighthouse.
    private static readonly TimeSpan ApplyGiveUp = StableAfter;

    // An apply sent while the arbiter moves waits in the singleton proxy; a short client timeout would only measure itself.
    private static readonly TimeSpan ApplyAttempt = TimeSpan.FromSeconds(15);

    public override Task InitializeAsync()
    {
        Farm.MemberSettings["FARM__CLUSTER__SPLITBRAIN__STABLEAFTER"] = StableAfter.ToString();
        return base.InitializeAsync();
    }

    [Fact]
    public async Task KillingTheOldestLighthouse_LosesNoSession_TheOtherServesDnsPacAndDiscovery_AndAppliesStillSucceed()
    {
        // 6 MiB in 64 KiB chunks every 150 ms: about 14 s, so the download spans the kill and the downing.
        await using var source = new PacedSource(6 << 20, 64 << 10, TimeSpan.FromMilliseconds(150));
        var policy = FarmPolicies.Allow(Server.Endpoint.Port) + "pass connect from 127.0.0.0/8 to 127.0.0.1 name paced-sources\n";
        await Farm.StartAllAsync(policy, nodes: 2);
        string[] nodes = [Farm.SocksAddress(1), Farm.SocksAddress(2)];
        foreach (var lighthouse in new[] { 1, 2 })
        {
            await WaitForAnswerAsync(lighthouse, answer => nodes.All(answer.Contains));
            Assert.Equal(["ns1.farm.test.", "ns2.farm.test."], (await Dig.ShortAsync(Farm.DnsAddressOf(lighthouse), Farm.DnsPortOf(lighthouse), FarmHarness.Domain, "NS")).Order());
        }

        // The kill is meant to take the arbiter with it; how it moved during the start is printed for the report.
        Assert.True(Farm.Lighthouse!.HasLine(t => t.Contains("policy-arbiter] Singleton manager started singleton actor", StringComparison.Ordinal)), "lighthouse 1 never started the policy arbiter");
        foreach (var line in Farm.Lighthouse.Tail(5000).Split(Environment.NewLine).Where(t => t.Contains("policy-arbiter] Oldest", StringComparison.Ordinal) || t.Contains("policy-arbiter] ClusterSingletonManager state change", StringComparison.Ordinal)))
        {
            Output.WriteLine($"lighthouse 1 before the kill: {line.Trim()}");
        }

        var download = new SocksDownload();
        var transfer = download.RunAsync(Farm.SocksAddress(1), Farm.SocksPort(1), source.Endpoint, TimeSpan.FromSeconds(90));
        await WaitForFirstByteAsync(download, transfer);

        var mark = Farm.Node(2).LineCount;
        var killedAt = Farm.Clock.Elapsed;
        var killed = Stopwatch.StartNew();
        Farm.Lighthouse!.KillHard();
        Assert.False(transfer.IsCompleted, "the download ended before the kill; the test proves nothing");

        var revised = FarmPolicies.Allow(Server.Endpoint.Port, revision: 1) + "pass connect from 127.0.0.0/8 to 127.0.0.1 name paced-sources\n";
        var (applied, attempts, _) = await PolicyApply.UntilAppliedAsync(Farm.AdminUrl("node2"), FarmHarness.AdminToken, revised, killed, ApplyGiveUp, ApplyAttempt, Output.WriteLine);
        Output.WriteLine($"SIGKILL of lighthouse 1 to a succeeded policy apply through node 2: {Ms(applied)} ms ({attempts} attempts of at most {ApplyAttempt.TotalSeconds} s; the brief's goal 5000 ms)");
        foreach (var (step, text) in new[] { ("downed", " [lighthouse] is Down"), ("removed", " [lighthouse] is Removed") })
        {
            var line = await Farm.Node(2).WaitForLineAsync(t => t.Contains(Farm.LighthouseAddress + text, StringComparison.Ordinal), Converge, mark);
            Output.WriteLine($"  node 2 saw lighthouse 1 {step} at {Ms(line.At - killedAt)} ms");
        }

        var downers = Farm.Lighthouses.Skip(2).Concat(Farm.Nodes).OfType<MemberProcess>()
            .Where(m => m.HasLine(t => t.Contains($"member {Farm.LighthouseAddress} refused", StringComparison.Ordinal) && t.Contains("its process is gone, downing it", StringComparison.Ordinal)))
            .Select(m => m.Name).ToList();
        Output.WriteLine($"  members that downed it for its refused port: {string.Join(' ', downers)}");
        Assert.NotEmpty(downers);

        var found = await Farm.Node(2).WaitForLineAsync(t => t.Contains("Singleton identified at [" + Farm.LighthouseAddressOf(2), StringComparison.Ordinal), Converge, mark);
        Output.WriteLine($"  node 2 found the arbiter on lighthouse 2 at {Ms(found.At - killedAt)} ms");

        var result = await transfer;
        Output.WriteLine($"download through node 1 ended {Ms(killed.Elapsed)} ms after the kill");
        Assert.True(result.Error is null, $"the download through node 1 broke after {result.Bytes} of {source.Length} bytes: {result.Error}");
        Assert.Equal(source.Length, result.Bytes);
        Assert.Equal(source.Sha256, result.Sha256);

        // The surviving lighthouse answers for the whole farm: DNS, NS, PAC and service discovery.
        Assert.Equal(nodes.Order(), (await Dig.ShortAsync(Farm.DnsAddressOf(2), Farm.DnsPortOf(2), FarmName, "A")).Order());
        Assert.Equal(["ns1.farm.test.", "ns2.farm.test."], (await Dig.ShortAsync(Farm.DnsAddressOf(2), Farm.DnsPortOf(2), FarmHarness.Domain, "NS")).Order());
        var pac = await CurlAsync(Farm.TelemetryUrl(FarmHarness.LighthouseNameOf(2)) + "/proxy.pac");
        Assert.All(new[] { 1, 2 }, n => Assert.Contains($"SOCKS5 {Farm.SocksProxy(n)}", pac, StringComparison.Ordinal));
        // The killed lighthouse is no member target any more, but stays listed as lost (Farm:Discovery:KeepLostFor).
        var targets = await DiscoveredTargetsAsync(2, t => t.Contains(Farm.Telemetry(1)) && t.Contains(Farm.Telemetry(2)) && !t.Contains(Farm.LighthouseTelemetry) && t.Contains($"{Farm.LighthouseTelemetry} lost"));
        Assert.Contains(Farm.Telemetry(1), targets);

        // The applied version is the one the farm enforces: node 1 takes it too.
        await Farm.Node(1).WaitForPolicyAsync(2, Converge);
        await AssertAllowedAsync(1);
        await AssertAllowedAsync(2);
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);

    private static async Task<string> CurlAsync(string url)
    {
        var result = await Tool.RunAsync("curl", ["--silent", "--show-error", "--fail", "--max-time", "10", url]);
        Assert.True(result.ExitCode == 0, $"curl {url}: exit {result.ExitCode}: {result.Error}");
        return result.Output;
    }

    /// <summary>
    /// The targets lighthouse <paramref name="lighthouse"/>'s /sd/prometheus lists (through curl), once they satisfy
    /// <paramref name="expected"/>: a member as its address, a lost member as its address followed by " lost".
    /// </summary>
    private async Task<List<string>> DiscoveredTargetsAsync(int lighthouse, Func<List<string>, bool> expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var json = JsonDocument.Parse(await CurlAsync(Farm.TelemetryUrl(FarmHarness.LighthouseNameOf(lighthouse)) + "/sd/prometheus"));
            List<string> targets = [.. json.RootElement.EnumerateArray().SelectMany(group => group.GetProperty("targets").EnumerateArray().Select(t =>
                group.GetProperty("labels").TryGetProperty("member_state", out var state) ? $"{t.GetString()} {state.GetString()}" : t.GetString()!))];
            if (expected(targets))
            {
                return targets;
            }

            Assert.True(clock.Elapsed < Converge, $"lighthouse {lighthouse}'s service discovery never listed what was expected; last: {string.Join(' ', targets)}");
            await Task.Delay(200);
        }
    }

    private static async Task WaitForFirstByteAsync(SocksDownload download, Task<(long Bytes, string Sha256, string? Error)> transfer)
    {
        var started = Stopwatch.StartNew();
        while (download.Received == 0)
        {
            Assert.False(transfer.IsCompleted, $"the download ended before its first byte: {(transfer.IsCompleted ? (await transfer).Error : null)}");
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), "no byte of the download arrived within 10 s");
            await Task.Delay(20);
        }
    }

    private async Task WaitForAnswerAsync(int lighthouse, Func<string[], bool> expected)
    {
        var deadline = Stopwatch.StartNew();
        string[] answer;
        while (!expected(answer = await Dig.ShortAsync(Farm.DnsAddressOf(lighthouse), Farm.DnsPortOf(lighthouse), FarmName, "A")))
        {
            Assert.True(deadline.Elapsed < Converge, $"lighthouse {lighthouse}'s DNS never answered as expected; last: {string.Join(' ', answer)}");
            await Task.Delay(100);
        }
    }
}
