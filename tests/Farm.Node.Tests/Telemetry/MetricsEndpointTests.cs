using System.Diagnostics;
using System.Net;
using Farm.Node.Sessions;
using Farm.Node.Tests.Support;
using Farm.Shared.Health;
using Farm.Shared.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Farm.Node.Tests.Telemetry;

/// <summary>The node's <c>/metrics</c> and <c>/healthz</c>, scraped from a real node after real traffic.</summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private static readonly string[] NodeFamilies =
    [
        "farm_sessions_open", "farm_sessions_active", "farm_sessions_ended_total", "farm_sessions_limit",
        "farm_session_duration_seconds_bucket", "farm_handshake_duration_seconds_bucket",
        "farm_upstream_connect_duration_seconds_bucket", "farm_upstream_dns_duration_seconds_bucket",
        "farm_upstream_dns_failures_total", "farm_relay_bytes_total", "farm_policy_decisions_total",
        "farm_client_refusals_total", "farm_auth_failures_total", "farm_udp_datagrams_total", "farm_udp_dropped_total",
        "farm_bind_sessions_total", "farm_bind_peers_refused_total", "farm_policy_version", "farm_node_draining",
        "process_cpu_time_seconds_total", "dotnet_process_memory_working_set_bytes", "dotnet_gc_collections_total",
        "dotnet_thread_pool_thread_count_total",
        "farm_node_detached",
    ];

    // Every label a farm_* series may carry; none can hold a user, a client address or a destination.
    private static readonly HashSet<string> BoundedLabels =
        ["otel_scope_name", "socks_version", "socks_command", "outcome", "reason", "stage", "rule", "action", "direction", "le"];

    private LoopbackHttpServer _http = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _http = new LoopbackHttpServer();
        _node = await FarmNodeHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _http.DisposeAsync();
    }

    [Fact]
    public async Task FirstConnection_RightAfterStart_IsInScrape()
    {
        var download = await Curl.GetAsync(_http.Url(1000), "--socks5", _node.ProxyAddress);
        Assert.True(download.ExitCode == 0, download.Error);
        await _node.SessionRecordsAsync(1);

        var scrape = await PrometheusScrape.GetAsync(_node.TelemetryUri);

        Assert.Equal(1, scrape.Value("farm_sessions_ended_total", ("outcome", "completed"), ("socks_version", "5"), ("socks_command", "connect")));
        Assert.Equal(1, scrape.Value("farm_policy_decisions_total", ("stage", "client"), ("action", "pass")));
        Assert.Equal(1, scrape.Value("farm_handshake_duration_seconds_count", ("socks_version", "5")));
        Assert.Equal(1, scrape.Value("farm_upstream_connect_duration_seconds_count", ("outcome", "succeeded")));
        Assert.True(scrape.Value("farm_relay_bytes_total", ("direction", "down")) > 1000);
    }

    [Fact]
    public async Task Scrape_AfterTraffic_HasEveryFamilyWithBoundedLabels()
    {
        await FarmTraffic.SendAsync(_node, _http);

        var scrape = await PrometheusScrape.GetAsync(_node.TelemetryUri);

        Assert.All(NodeFamilies, family => Assert.Contains(family, scrape.Names));
        var farm = scrape.Samples.Where(s => s.Name.StartsWith("farm_", StringComparison.Ordinal)).ToList();
        Assert.All(farm, s => Assert.Subset(BoundedLabels, s.Labels.Keys.ToHashSet()));
        Assert.All(farm, s => Assert.DoesNotContain(s.Labels.Values, v => v.Contains("127.0.0.1", StringComparison.Ordinal) || v.Contains("localhost", StringComparison.Ordinal)));
        Assert.Equal(4, scrape.Samples.Where(s => s.Name == "farm_sessions_ended_total" && s.Labels["outcome"] == "completed").Sum(s => s.Value));
        Assert.Equal(1, scrape.Value("farm_sessions_ended_total", ("outcome", "unknown-protocol")));
        Assert.Equal(2, scrape.Value("farm_upstream_dns_duration_seconds_count", ("outcome", "resolved")));
        Assert.Equal(0, scrape.Value("farm_sessions_open"));
        // The configured 50,000, or less when the test process's open-files limit allows fewer.
        Assert.Equal(_node.Services.GetRequiredService<SessionCapsInForce>().Current.MaxSessions, scrape.Value("farm_sessions_limit"));
        Assert.InRange(scrape.Value("farm_sessions_limit"), 1, 50_000);
    }

    [Fact]
    public async Task Scrape_AfterTraffic_PassesPromtoolCheckMetrics()
    {
        await FarmTraffic.SendAsync(_node, _http);
        var scrape = await PrometheusScrape.GetAsync(_node.TelemetryUri);

        var start = new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        using var promtool = Process.Start(start)!;
        await promtool.StandardInput.WriteAsync(scrape.Text);
        promtool.StandardInput.Close();
        var errors = await promtool.StandardError.ReadToEndAsync() + await promtool.StandardOutput.ReadToEndAsync();
        await promtool.WaitForExitAsync();

        Assert.True(promtool.ExitCode == 0, errors);
    }

    [Fact]
    public async Task Health_LiveAtOnceReadyOnceUpAndEnforcing_Answer200()
    {
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(_node.TelemetryUri, "healthz/live"))).StatusCode);

        // Ready only once the node is Up in its cluster and enforces the replicated policy.
        var ready = HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 200 && ready != HttpStatusCode.OK; i++)
        {
            ready = (await http.GetAsync(new Uri(_node.TelemetryUri, "healthz/ready"))).StatusCode;
            if (ready != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(HttpStatusCode.OK, ready);
    }

    [Fact]
    public async Task Ready_CheckNotReady_Answers503WithReasonAndLiveStays200()
    {
        using var provider = Sdk.CreateMeterProviderBuilder().AddPrometheusExporter().Build();
        await using var server = new TelemetryServer(
            Microsoft.Extensions.Options.Options.Create(new TelemetryOptions { Listen = "127.0.0.1:0" }),
            provider,
            [new FixedCheck("cluster", false, "not joined")],
            [],
            NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{server.Endpoint}/") };

        var ready = await http.GetAsync(new Uri("healthz/ready", UriKind.Relative));
        var live = await http.GetAsync(new Uri("healthz/live", UriKind.Relative));
        await server.StopAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("cluster: not joined\n", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private sealed class FixedCheck(string name, bool ready, string reason) : IReadinessCheck
    {
        public string Name => name;

        public bool IsReady(out string why)
        {
            why = reason;
            return ready;
        }
    }
}
