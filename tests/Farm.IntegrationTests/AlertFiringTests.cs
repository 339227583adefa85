using System.Diagnostics;
using System.Text.RegularExpressions;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// The repository's alert rules in a real Prometheus against a real farm: when one of two SOCKS nodes
/// dies, "too few SOCKS nodes" and "member lost" fire, and discovery keeps the lost node as a target so
/// that "member down" fires for it too. The test runs a copy of ops/prometheus/rules with every <c>for:</c> shortened to seconds and the
/// farm's minimum set to this farm's two nodes; the expressions are the repository's.
/// </summary>
public sealed partial class AlertFiringTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string Alert = "FarmTooFewSocksNodes";
    private const string Lost = "FarmMemberLost";
    private const string Down = "FarmMemberDown";
    private const string ShortFor = "3s";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FireWithin = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task OneOfTwoSocksNodesKilled_TooFewSocksNodesMemberLostAndMemberDownFire()
    {
        await Farm.StartAllAsync("client pass from 127.0.0.0/8\npass connect from 127.0.0.0/8 to any\n", nodes: 2);
        var rules = Directory.CreateTempSubdirectory("farm-alert-rules-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(rules.FullName, "farm.rules.yml"), RulesForTest(minimumNodes: 2));
            await using var prometheus = await PrometheusProcess.StartAsync(PrometheusProcess.ConfigFor(Farm.LighthouseTelemetry, "1s", rules.FullName));
            Output.WriteLine($"prometheus pid {prometheus.Pid} on {prometheus.Address}");
            try
            {
                // Before the first scrape the farm hands out nothing as far as Prometheus knows; once the
                // lighthouse reports both nodes, neither alert may be active.
                await WaitUntilAsync("the lighthouse's two nodes scraped and the alerts quiet", Settle, async () =>
                    (await prometheus.QueryAsync("farm:farm_dns_nodes_handed_out:min")).FirstOrDefault()?.Value == 2
                    && (await prometheus.AlertsAsync()).All(a => a.Name is not (Alert or Lost)));
                var quiet = Stopwatch.StartNew();
                while (quiet.Elapsed < TimeSpan.FromSeconds(5))
                {
                    Assert.DoesNotContain(await prometheus.AlertsAsync(), a => a.Name is Alert or Lost);
                    await Task.Delay(500);
                }

                var killedAt = Stopwatch.StartNew();
                Farm.Node(2).KillHard();
                foreach (var name in new[] { Alert, Lost })
                {
                    await WaitUntilAsync($"{name} firing", FireWithin, async () =>
                        (await prometheus.AlertsAsync()).Any(a => a.Name == name && a.State == "firing"));
                    Output.WriteLine($"{name} firing {killedAt.Elapsed.TotalSeconds:F1} s after SIGKILL (for: {ShortFor}, 1 s scrape and evaluation)");
                }

                // The cluster has removed the node; discovery lists it as lost, so its up is 0 where a dropped
                // target would have no series at all.
                await WaitUntilAsync($"{Down} firing for the lost node", FireWithin, async () =>
                    (await prometheus.AlertsAsync()).Any(a => a.Name == Down && a.State == "firing" && a.Labels.GetValueOrDefault("member_state") == "lost"));
                Output.WriteLine($"{Down} firing {killedAt.Elapsed.TotalSeconds:F1} s after SIGKILL");

                // The alerts must not resolve while the node stays dead.
                await Task.Delay(TimeSpan.FromSeconds(10));
                var alerts = await prometheus.AlertsAsync();
                var tooFew = Assert.Single(alerts, a => a.Name == Alert);
                Assert.Equal("firing", tooFew.State);
                Assert.Equal("DNS hands out 1 SOCKS nodes, fewer than the farm's minimum", tooFew.Annotations["summary"]);
                var lost = Assert.Single(alerts, a => a.Name == Lost);
                Assert.Equal(("firing", "socks"), (lost.State, lost.Labels["member_role"]));
                Assert.Equal("A socks member was lost from the cluster", lost.Annotations["summary"]);
                var down = Assert.Single(alerts, a => a.Name == Down);
                Assert.Equal(("firing", "node2"), (down.State, down.Labels["node"]));
                Assert.All(new[] { tooFew, lost, down }, a => Assert.False(string.IsNullOrWhiteSpace(a.Annotations["runbook"])));
            }
            finally
            {
                Output.WriteLine($"--- prometheus (pid {prometheus.Pid}) last lines ---{Environment.NewLine}{prometheus.Tail(10)}");
            }
        }
        finally
        {
            rules.Delete(recursive: true);
        }
    }

    /// <summary>The repository's rules with every <c>for:</c> at <see cref="ShortFor"/> and the minimum at <paramref name="minimumNodes"/>.</summary>
    private static string RulesForTest(int minimumNodes)
    {
        var text = File.ReadAllText(RepoFiles.Path("ops", "prometheus", "rules", "farm.rules.yml"));
        Assert.Matches(ForDuration(), text);
        Assert.Matches(Minimum(), text);
        text = ForDuration().Replace(text, $"${{1}}{ShortFor}");
        return Minimum().Replace(text, $"${{1}}vector({minimumNodes})");
    }

    private static async Task WaitUntilAsync(string what, TimeSpan bound, Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > bound)
            {
                throw new TimeoutException($"waited {bound.TotalSeconds} s for {what}");
            }

            await Task.Delay(250);
        }
    }

    [GeneratedRegex(@"(?m)^(\s*for:\s*)\S+")]
    private static partial Regex ForDuration();

    [GeneratedRegex(@"(?m)(-\s*record:\s*farm:farm_socks_nodes:minimum\s*\n\s*expr:\s*)vector\(\d+\)")]
    private static partial Regex Minimum();
}
