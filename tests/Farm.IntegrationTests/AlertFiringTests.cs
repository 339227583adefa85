using System.Diagnostics;
using System.Text.RegularExpressions;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// The repository's alert rules in a real Prometheus against a real farm: when the only SOCKS node
/// dies, "too few SOCKS nodes" fires, although service discovery drops the dead node at once. The test
/// runs a copy of ops/prometheus/rules with every <c>for:</c> shortened to seconds and the farm's
/// minimum set to this farm's one node; the expressions are the repository's.
/// </summary>
public sealed partial class AlertFiringTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string Alert = "FarmTooFewSocksNodes";
    private const string ShortFor = "3s";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FireWithin = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task OnlySocksNodeKilled_TooFewSocksNodesFires()
    {
        await Farm.StartAllAsync("client pass from 127.0.0.0/8\npass connect from 127.0.0.0/8 to any\n", nodes: 1);
        var rules = Directory.CreateTempSubdirectory("farm-alert-rules-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(rules.FullName, "farm.rules.yml"), RulesForTest(minimumNodes: 1));
            await using var prometheus = await PrometheusProcess.StartAsync(PrometheusProcess.ConfigFor(Farm.LighthouseTelemetry, "1s", rules.FullName));
            Output.WriteLine($"prometheus pid {prometheus.Pid} on {prometheus.Address}");
            try
            {
                // Before the first scrape the farm hands out nothing as far as Prometheus knows; once the
                // lighthouse reports the node, the alert must not be active.
                await WaitUntilAsync("the lighthouse's one node scraped and the alert quiet", Settle, async () =>
                    (await prometheus.QueryAsync("farm:farm_dns_nodes_handed_out:min")).FirstOrDefault()?.Value == 1
                    && (await prometheus.AlertsAsync()).All(a => a.Name != Alert));
                var quiet = Stopwatch.StartNew();
                while (quiet.Elapsed < TimeSpan.FromSeconds(5))
                {
                    Assert.DoesNotContain(await prometheus.AlertsAsync(), a => a.Name == Alert);
                    await Task.Delay(500);
                }

                var killedAt = Stopwatch.StartNew();
                Farm.Node(1).KillHard();
                await WaitUntilAsync($"{Alert} firing", FireWithin, async () =>
                    (await prometheus.AlertsAsync()).Any(a => a.Name == Alert && a.State == "firing"));
                Output.WriteLine($"{Alert} firing {killedAt.Elapsed.TotalSeconds:F1} s after SIGKILL (for: {ShortFor}, 1 s scrape and evaluation)");

                // The cluster then removes the node, so its lighthouse series go too (or, split 1:1, the resolver
                // may down the lighthouse instead, whose series then go): the alert must not resolve either way.
                await Task.Delay(TimeSpan.FromSeconds(15));
                var alert = Assert.Single(await prometheus.AlertsAsync(), a => a.Name == Alert);
                Assert.Equal("firing", alert.State);
                Assert.Equal("DNS hands out 0 SOCKS nodes, fewer than the farm's minimum", alert.Annotations["summary"]);
                Assert.False(string.IsNullOrWhiteSpace(alert.Annotations["runbook"]));
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
