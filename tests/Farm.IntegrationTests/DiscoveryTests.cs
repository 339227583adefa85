using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// The lighthouse's DNS, Prometheus service discovery and PAC file against a real farm: answers
/// follow membership, reachability and drain, as dig and HTTP clients see them.
/// </summary>
public sealed class DiscoveryTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string FarmName = "socks.farm.test";

    // Heartbeat 0.5 s + acceptable pause 2 s (the harness's failure detector) + the 5 s default TTL,
    // with a second of slack for the first heartbeat miss and the directory update.
    private static readonly TimeSpan KillBound = TimeSpan.FromSeconds(0.5 + 2 + 5 + 1);

    [Fact]
    public async Task Farm_ThreeNodes_DnsRotatesAllThree_SrvNodeNamesSdAndPacListMembers()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        var all = Enumerable.Range(1, FarmHarness.NodeCount).Select(Farm.SocksAddress).Order().ToArray();
        await WaitForAnswerAsync(answer => answer.Order().SequenceEqual(all));

        var answers = new List<string[]>();
        for (var i = 0; i < FarmHarness.NodeCount; i++)
        {
            answers.Add(await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A"));
        }

        Output.WriteLine(string.Join(Environment.NewLine, answers.Select(a => string.Join(' ', a))));
        Assert.All(answers, answer => Assert.Equal(all, answer.Order()));
        Assert.Equal(all, answers.Select(answer => answer[0]).Order());

        var socks = (await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, "_socks._tcp.farm.test", "SRV")).Order();
        Assert.Equal(
            Enumerable.Range(1, FarmHarness.NodeCount).Select(n => $"0 1 {Farm.SocksPort(n)} node{n}.nodes.farm.test.").Order(),
            socks);
        var metrics = (await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, "_metrics._tcp.farm.test", "SRV")).Order();
        Assert.Equal(
            Members().Select(m => $"0 1 {Farm.TelemetryPort(m)} {m}.nodes.farm.test.").Order(),
            metrics);
        for (var n = 1; n <= FarmHarness.NodeCount; n++)
        {
            Assert.Contains(Farm.SocksAddress(n), await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, $"node{n}.nodes.farm.test", "A"));
        }

        var targets = await ServiceDiscoveryAsync();
        Assert.Equal(
            Members().Select(m => (Target: $"127.0.0.1:{Farm.TelemetryPort(m)}", Role: m == FarmHarness.LighthouseName ? "lighthouse" : "socks", Node: m)).Order(),
            targets.Order());

        var pacs = new[] { await PacListAsync(), await PacListAsync(), await PacListAsync() };
        var proxies = Enumerable.Range(1, FarmHarness.NodeCount).Select(n => $"SOCKS5 {Farm.SocksProxy(n)}").Order().ToArray();
        Assert.All(pacs, pac => Assert.Equal(proxies, pac.Order()));
        Assert.Equal(proxies, pacs.Select(pac => pac[0]).Order());
    }

    [Fact]
    public async Task DrainedNode_LeavesDnsAtOnce_KilledNode_LeavesWithinFailureDetectionPlusTtl()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        var all = Enumerable.Range(1, FarmHarness.NodeCount).Select(Farm.SocksAddress).Order().ToArray();
        await WaitForAnswerAsync(answer => answer.Order().SequenceEqual(all));

        // An open session keeps the draining node Up (it waits for sessions before leaving), so what
        // removes it from DNS is the drain flag, not its departure from the cluster.
        using (await HeldSession.OpenAsync(Farm.SocksAddress(3), Farm.SocksPort(3), Server.Endpoint))
        {
            await Http.PostJsonAsync(Farm.AdminUrl("node3") + "/node/drain", "{}", FarmHarness.AdminToken);
            var afterDrain = await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A");
            Assert.DoesNotContain(Farm.SocksAddress(3), afterDrain);
            Assert.Equal(2, afterDrain.Length);
            Assert.Contains(("127.0.0.1:" + Farm.TelemetryPort("node3"), "socks", "node3"), await ServiceDiscoveryAsync());
            Assert.DoesNotContain($"SOCKS5 {Farm.SocksProxy(3)}", await PacListAsync());

            var clock = Stopwatch.StartNew();
            Farm.Node(2).KillHard();
            var killed = clock.Elapsed;
            string[] answer;
            do
            {
                await Task.Delay(50);
                answer = await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A");
            }
            while (answer.Contains(Farm.SocksAddress(2)) && clock.Elapsed < KillBound + TimeSpan.FromSeconds(10));

            var gone = clock.Elapsed - killed;
            Output.WriteLine($"SIGKILL to disappearance from {FarmName}: {gone.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s (bound {KillBound.TotalSeconds} s)");
            Assert.Equal([Farm.SocksAddress(1)], answer);
            Assert.True(gone <= KillBound, $"node 2 left DNS after {gone.TotalSeconds:F2} s, over {KillBound.TotalSeconds} s");
        }
    }

    private static IEnumerable<string> Members() =>
        Enumerable.Range(1, FarmHarness.NodeCount).Select(n => $"node{n}").Append(FarmHarness.LighthouseName);

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

    private async Task<List<(string Target, string Role, string Node)>> ServiceDiscoveryAsync()
    {
        using var json = JsonDocument.Parse(await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/sd/prometheus"));
        return [.. json.RootElement.EnumerateArray().SelectMany(group => group.GetProperty("targets").EnumerateArray().Select(target => (
            target.GetString()!,
            group.GetProperty("labels").GetProperty("role").GetString()!,
            group.GetProperty("labels").GetProperty("node").GetString()!)))];
    }

    /// <summary>The proxies the PAC file returns, in its order; it must never fall back to DIRECT.</summary>
    private async Task<string[]> PacListAsync()
    {
        var pac = await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/proxy.pac");
        Assert.Contains("function FindProxyForURL(url, host)", pac, StringComparison.Ordinal);
        Assert.DoesNotContain("DIRECT", pac, StringComparison.Ordinal);
        var quoted = pac[(pac.IndexOf('"', StringComparison.Ordinal) + 1)..pac.LastIndexOf('"')];
        return quoted.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }
}
