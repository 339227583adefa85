using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Farm.Node.Tests.Support;
using Json.Schema;

namespace Farm.Node.Tests.Ops;

/// <summary>
/// The ops artefacts checked without a Grafana server or a Docker engine: schemas, promtool, and
/// every metric the dashboards and rules use against real scrapes of a node and a lighthouse.
/// </summary>
public sealed partial class OpsArtifactsTests
{
    private const string DatasourceUid = "farm-prometheus";

    public static TheoryData<string> Dashboards => ["farm-overview.json", "node-detail.json"];

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_ValidatesAgainstGrafanaSchema(string dashboard)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("ops", "grafana", "dashboards", dashboard)));

        AssertValid(RepoFiles.Schema("grafana-dashboard.schema.json"), json);
        Assert.Null(json!["__inputs"]);
    }

    [Fact]
    public void Compose_ValidatesAgainstComposeSchema()
    {
        var compose = YamlJson.Load(RepoFiles.Path("docker-compose.yml"));

        AssertValid(RepoFiles.Schema("compose-spec.schema.json"), compose);
        // Three nodes, each its own service mounting only its own certificate volume (issue 17, review finding 3).
        foreach (var member in new[] { "lighthouse", "socks1", "socks2", "socks3" })
        {
            var service = compose!["services"]![member]!;
            Assert.Equal($"certs-{member}:/certs:ro", Assert.Single(service["volumes"]!.AsArray(), v => v!.GetValue<string>().Contains("/certs", StringComparison.Ordinal))!.GetValue<string>());
            Assert.Equal($"/certs/{member}.key", service["environment"]!["Farm__Cluster__Tls__Key"]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_EveryDatasource_IsTheDatasourceVariable_SoItImportsAnywhere(string dashboard)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("ops", "grafana", "dashboards", dashboard)))!;
        var variables = json["templating"]!["list"]!.AsArray().OfType<JsonObject>().ToList();
        var variable = Assert.Single(variables, v => v["type"]?.GetValue<string>() == "datasource");
        Assert.Equal("prometheus", variable["query"]!.GetValue<string>());

        var references = Descendants(json).OfType<JsonObject>().Select(o => o["datasource"]).OfType<JsonObject>().ToList();

        Assert.NotEmpty(references);
        Assert.All(
            references.Where(r => r["type"]?.GetValue<string>() != "grafana"),
            r => Assert.Equal("${" + variable["name"]!.GetValue<string>() + "}", r["uid"]?.GetValue<string>()));
        Assert.DoesNotContain(DatasourceUid, json.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Dashboard_PicksNodesByNodeLabel_AndCountsMembersOnce(string dashboard)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("ops", "grafana", "dashboards", dashboard)))!;
        var expressions = Descendants(json).OfType<JsonObject>().Select(o => o["expr"]).OfType<JsonValue>().Select(e => e.GetValue<string>()).ToList();

        // Every lighthouse reports the whole membership: a sum over several lighthouses double-counts it.
        Assert.All(
            expressions.Where(e => e.Contains("farm_cluster_", StringComparison.Ordinal)),
            e => Assert.DoesNotContain("sum", e, StringComparison.Ordinal));
        Assert.All(expressions, e => Assert.DoesNotContain("instance", e, StringComparison.Ordinal));
        foreach (var picker in json["templating"]!["list"]!.AsArray().OfType<JsonObject>().Where(v => v["type"]?.GetValue<string>() == "query"))
        {
            Assert.Equal("node", picker["name"]!.GetValue<string>());
            Assert.EndsWith(", node)", picker["query"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PrometheusConfig_PassesPromtoolCheckConfig()
    {
        var result = await ProcessRunner.RunAsync("promtool", ["check", "config", RepoFiles.Path("ops", "prometheus", "prometheus.yml")], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    public static TheoryData<string> RuleTestFiles() => [.. RuleTestFileNames()];

    [Fact]
    public async Task Rules_PassPromtoolCheckRules()
    {
        var result = await ProcessRunner.RunAsync("promtool", ["check", "rules", RepoFiles.Path("ops", "prometheus", "rules", "farm.rules.yml")], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    [Theory]
    [MemberData(nameof(RuleTestFiles))]
    public async Task Rules_PassPromtoolUnitTests(string file)
    {
        var result = await ProcessRunner.RunAsync("promtool", ["test", "rules", RepoFiles.Path("ops", "prometheus", "tests", file)], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("SUCCESS", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAlert_HasARunbookLine_AndAPromtoolTestThatFiresIt()
    {
        var rules = YamlJson.Load(RepoFiles.Path("ops", "prometheus", "rules", "farm.rules.yml"))!;
        var alerts = rules["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).OfType<JsonObject>()
            .Where(r => r["alert"] is not null).Select(r => (Name: r["alert"]!.GetValue<string>(), Rule: r)).ToList();
        var fired = RuleTestFileNames().Select(f => YamlJson.Load(RepoFiles.Path("ops", "prometheus", "tests", f))!)
            .SelectMany(t => t["tests"]!.AsArray()).SelectMany(t => t!["alert_rule_test"]?.AsArray() ?? [])
            .OfType<JsonObject>().Where(a => a["exp_alerts"]!.AsArray().Count > 0).Select(a => a["alertname"]!.GetValue<string>()).ToHashSet();

        Assert.Contains(alerts, a => a.Name == "FarmTooFewSocksNodes");
        Assert.All(alerts, a => Assert.True(fired.Contains(a.Name), $"{a.Name}: no promtool test expects it to fire"));
        Assert.All(alerts, a => Assert.False(
            string.IsNullOrWhiteSpace(a.Rule["annotations"]?["runbook"]?.GetValue<string>()), $"{a.Name} has no runbook annotation"));
    }

    [Fact]
    public async Task DashboardsAndRules_UseOnlyMetricsTheFarmExports()
    {
        await using var http = new LoopbackHttpServer();
        await using var node = await FarmNodeHost.StartAsync();
        await using var lighthouse = await LighthouseHost.StartAsync();

        // The lighthouse's per-node series exist once a node has joined it and advertised itself.
        await using var member = await FarmNodeHost.StartAsync(settings: new Dictionary<string, string?> { ["Farm:Cluster:Seeds:0"] = lighthouse.SeedAddress });
        await FarmTraffic.SendAsync(node, http);
        var lighthouseNames = await LighthouseNamesAsync(lighthouse, "farm_dns_probe_failing");
        var exported = (await PrometheusScrape.GetAsync(node.TelemetryUri)).Names
            .Union(lighthouseNames)
            .ToHashSet();

        var used = Expressions().SelectMany(e => MetricName().Matches(e).Select(m => (Expression: e, Metric: m.Value))).ToList();

        Assert.Contains(used, u => u.Metric == "farm_cluster_members");
        Assert.All(used, u => Assert.True(exported.Contains(u.Metric), $"{u.Metric} (in {u.Expression}) is not exported"));
    }

    private static IEnumerable<string> RuleTestFileNames() =>
        Directory.GetFiles(RepoFiles.Path("ops", "prometheus", "tests"), "*.yml").Select(Path.GetFileName).OfType<string>().Order();

    private static async Task<IReadOnlySet<string>> LighthouseNamesAsync(LighthouseHost lighthouse, string awaited)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var names = (await PrometheusScrape.GetAsync(lighthouse.TelemetryUri)).Names;
            if (names.Contains(awaited) || DateTime.UtcNow > deadline)
            {
                return names;
            }

            await Task.Delay(250);
        }
    }

    private static IEnumerable<string> Expressions()
    {
        foreach (var dashboard in new[] { "farm-overview.json", "node-detail.json" })
        {
            var json = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("ops", "grafana", "dashboards", dashboard)))!;
            foreach (var node in Descendants(json).OfType<JsonObject>())
            {
                if (node["expr"] is JsonValue expr)
                {
                    yield return expr.GetValue<string>();
                }
            }

            foreach (var variable in json["templating"]!["list"]!.AsArray().Where(v => v!["type"]!.GetValue<string>() == "query"))
            {
                yield return variable!["query"]!.GetValue<string>();
            }
        }

        var rules = YamlJson.Load(RepoFiles.Path("ops", "prometheus", "rules", "farm.rules.yml"))!;
        foreach (var group in rules["groups"]!.AsArray())
        {
            foreach (var rule in group!["rules"]!.AsArray())
            {
                yield return rule!["expr"]!.GetValue<string>();
            }
        }
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().SelectMany(Descendants))
        {
            yield return child;
        }
    }

    private static void AssertValid(string schemaPath, JsonNode? document)
    {
        // The compose schema names draft-07 by its https address, which the validator does not know
        // as an alias; the content is draft-07 either way.
        var text = File.ReadAllText(schemaPath).Replace("\"https://json-schema.org/draft-07/schema\"", "\"http://json-schema.org/draft-07/schema#\"", StringComparison.Ordinal);
        var schema = JsonSchema.FromText(text);
        using var parsed = JsonDocument.Parse(document!.ToJsonString());

        var result = schema.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"));
        Assert.True(result.IsValid, string.Join('\n', errors));
    }

    // Farm, runtime and process series; Prometheus's own (up, scrape_*) and recorded (with colons) names are not scraped.
    [GeneratedRegex(@"(?<![\w:])(farm|dotnet|process)_[a-z0-9_]+(?![\w:])")]
    private static partial Regex MetricName();
}
