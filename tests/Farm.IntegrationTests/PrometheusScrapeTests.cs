using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// The farm as its operators see it: a real Prometheus with the repository's configuration and
/// rules discovers every member through the lighthouse, and every query of the Grafana dashboards
/// and every recording rule returns data once traffic has flowed through every node.
/// </summary>
public sealed partial class PrometheusScrapeTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    // Grafana's interval variables; 30 s holds many 1 s scrapes, and the traffic is sent within it.
    private const string RateWindow = "30s";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Prometheus_DiscoversEveryMember_AndEveryDashboardAndRecordingQuery_ReturnsData()
    {
        await Farm.StartAllAsync(Policy(Server.Endpoint.Port));
        await using var prometheus = await PrometheusProcess.StartAsync(PrometheusProcess.ConfigFor(Farm.LighthouseTelemetry, "1s"));
        Output.WriteLine($"prometheus pid {prometheus.Pid} on {prometheus.Address}");
        try
        {
            var members = new[] { Farm.LighthouseTelemetry }.Concat(Enumerable.Range(1, FarmHarness.NodeCount).Select(Farm.Telemetry)).ToHashSet();
            var targets = await EventuallyAsync("every member discovered and up", async () =>
            {
                var active = await prometheus.ActiveTargetsAsync();
                return active.Count == members.Count && active.All(t => members.Contains(t.Instance) && t.Health == "up") ? active : null;
            });
            Assert.All(targets, t => Assert.Equal("farm", t.Labels["job"]));
            Assert.Equal(["lighthouse", "socks", "socks", "socks"], targets.Select(t => t.Labels["role"]).Order());

            // Two rounds: a series first appears with the value it already has, and rate() sees no
            // increase in a first sample, so the second round is what the rates and quantiles show.
            for (var round = 1; round <= 2; round++)
            {
                for (var node = 1; node <= FarmHarness.NodeCount; node++)
                {
                    await SendTrafficAsync(node);
                }

                // Every node's sessions so far (two relayed and one refused each per round) have been scraped.
                // The lighthouse's listener probes are sessions too, each closed after the greeting: not counted.
                var ended = round * 3 * FarmHarness.NodeCount;
                await WaitUntilAsync($"{ended} sessions scraped", async () =>
                    (await prometheus.QueryAsync("sum(farm_sessions_ended_total{outcome!=\"client-closed\"})")).FirstOrDefault()?.Value >= ended);
            }

            var nodes = await prometheus.LabelValuesAsync("node", "farm_sessions_limit");
            Assert.Equal(FarmHarness.NodeCount, nodes.Count);

            var checks = DashboardExpressions(nodes).ToList();
            var rules = await prometheus.RulesAsync();
            Assert.All(rules, r => Assert.True(r.Health == "ok", $"rule {r.Name}: {r.Health} {r.LastError}"));
            var recording = rules.Where(r => r.Type == "recording").ToList();
            Assert.Equal(RecordingRulesInRepository(), recording.Count);
            checks.AddRange(recording.Select(r => ($"rule {r.Name}", r.Query)));
            checks.AddRange(recording.Select(r => ($"recorded {r.Name}", r.Name)).Distinct());

            foreach (var (source, expression) in checks)
            {
                var samples = await EventuallyAsync($"data for {expression} ({source})", async () =>
                {
                    var result = await prometheus.QueryAsync(expression);
                    return result.Any(s => !double.IsNaN(s.Value)) ? result : null;
                });
                Output.WriteLine($"{samples.Count,3} series  {source}: {expression}");
            }

            var killedAt = Farm.Clock.Elapsed;
            Farm.Node(3).KillHard();
            // Discovery keeps a lost member as a target, so its up turns 0 instead of the series vanishing.
            await WaitUntilAsync("the killed node a lost target that is down", async () =>
                (await prometheus.ActiveTargetsAsync()).Any(t => t.Instance == Farm.Telemetry(3) && t.Health == "down" && t.Labels.GetValueOrDefault("member_state") == "lost"));
            Output.WriteLine($"node 3 (SIGKILL) was a lost, down target {(Farm.Clock.Elapsed - killedAt).TotalSeconds:F1} s after the kill");
            var up = await prometheus.QueryAsync($"up{{instance=\"{Farm.Telemetry(3)}\"}}");
            Assert.Contains(up, sample => sample.Value == 0);
        }
        finally
        {
            Output.WriteLine($"--- prometheus (pid {prometheus.Pid}) last lines ---{Environment.NewLine}{prometheus.Tail(10)}");
        }
    }

    private static string Policy(int serverPort) =>
        $"""
        client pass from 127.0.0.0/8 name loopback-clients
        pass connect from 127.0.0.0/8 to any port {serverPort} name test-server
        block connect to any name elsewhere
        """ + "\n";

    /// <summary>
    /// Two relayed sessions (the name resolved by the client, then by the node) and one refused by
    /// the policy, so that every family the dashboards show has samples on this node.
    /// </summary>
    private async Task SendTrafficAsync(int node)
    {
        await AssertAllowedAsync(node);
        var byName = await Curl.GetThroughAsync(Farm.SocksProxy(node), $"http://localhost:{Server.Endpoint.Port}/", "--socks5-hostname");
        Assert.True(byName.ExitCode == 0 && byName.Body == LoopbackHttpServer.Body, $"node {node}: curl --socks5-hostname exit {byName.ExitCode}: {byName.Error}");
        var closed = new IPEndPoint(IPAddress.Loopback, ClosedPort());
        Assert.Equal(0x02, await Socks5Probe.ConnectReplyAsync(Farm.SocksAddress(node), Farm.SocksPort(node), closed));
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Every panel query of every dashboard, with Grafana's interval variables set to
    /// <see cref="RateWindow"/>; a query that uses <c>$node</c> (the picker on the service-discovery label) is checked once for every node.
    /// </summary>
    private static IEnumerable<(string Source, string Expression)> DashboardExpressions(IReadOnlyList<string> nodes)
    {
        foreach (var file in Directory.GetFiles(RepoFiles.Path("ops", "grafana", "dashboards"), "*.json").Order())
        {
            var dashboard = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var (panel, expression) in PanelExpressions(dashboard))
            {
                var source = $"{Path.GetFileName(file)} \"{panel}\"";
                var windowed = IntervalVariable().Replace(expression, RateWindow);
                var picked = windowed.Contains("$node", StringComparison.Ordinal) ? nodes : [""];
                foreach (var node in picked)
                {
                    var resolved = windowed.Replace("$node", node, StringComparison.Ordinal);
                    Assert.DoesNotContain("$", resolved);
                    yield return (source, resolved);
                }
            }
        }
    }

    private static IEnumerable<(string Panel, string Expression)> PanelExpressions(JsonNode dashboard)
    {
        foreach (var panel in (dashboard["panels"]?.AsArray() ?? []).OfType<JsonObject>())
        {
            foreach (var target in (panel["targets"]?.AsArray() ?? []).OfType<JsonObject>())
            {
                if (target["expr"]?.GetValue<string>() is { } expression)
                {
                    yield return (panel["title"]?.GetValue<string>() ?? "", expression);
                }
            }

            // Rows hold their collapsed panels inside themselves.
            foreach (var nested in PanelExpressions(panel))
            {
                yield return nested;
            }
        }
    }

    private static int RecordingRulesInRepository() =>
        Directory.GetFiles(RepoFiles.Path("ops", "prometheus", "rules"), "*.rules.yml")
            .Sum(f => RecordLine().Matches(File.ReadAllText(f)).Count);

    private static async Task WaitUntilAsync(string what, Func<Task<bool>> condition) =>
        await EventuallyAsync(what, async () => await condition() ? what : null);

    private static async Task<T> EventuallyAsync<T>(string what, Func<Task<T?>> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (clock.Elapsed > Bounded)
            {
                throw new TimeoutException($"waited {Bounded.TotalSeconds} s for {what}");
            }

            await Task.Delay(250);
        }
    }

    [GeneratedRegex(@"\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}")]
    private static partial Regex IntervalVariable();

    [GeneratedRegex(@"(?m)^\s*-\s*record:")]
    private static partial Regex RecordLine();
}
