using System.Text;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Telemetry;

/// <summary>
/// Issue 17 review, item 7: the telemetry port answers only its own address (what Prometheus sends as
/// Host when it scrapes a target) or a configured name, and no web page, as the admin endpoint does: a
/// DNS-rebound page cannot read <c>/metrics</c> or <c>/healthz</c>. Driven with the real curl.
/// </summary>
public sealed class TelemetryBrowserTests : IAsyncLifetime
{
    private const string AllowedName = "metrics.farm.test";
    private FarmNodeHost _node = null!;

    private string Authority => _node.TelemetryUri.Authority;

    private string Port => _node.TelemetryUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync() =>
        _node = await FarmNodeHost.StartAsync(settings: new Dictionary<string, string?> { ["Farm:Telemetry:AllowedHosts:0"] = AllowedName });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData("metrics", "{address}")]
    [InlineData("healthz/live", "{address}")]
    [InlineData("metrics", "metrics.farm.test:{port}")]
    [InlineData("metrics", "metrics.farm.test")]
    public async Task ScrapeByAddressOrAllowedName_Served(string path, string host)
    {
        var get = await GetAsync(path, "-H", $"Host: {Expand(host)}");

        Assert.True(get.ExitCode == 0, get.Error + Encoding.UTF8.GetString(get.Body));
        Assert.Contains(path == "metrics" ? "process_cpu_time_seconds_total" : "live", Encoding.UTF8.GetString(get.Body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics", "rebound.evil.example:{port}")]
    [InlineData("healthz/ready", "rebound.evil.example:{port}")]
    [InlineData("metrics", "localhost:{port}")]
    [InlineData("metrics", "127.0.0.1:1")]
    [InlineData("metrics", "127.1:{port}")]
    public async Task ForeignHost_Misdirected(string path, string host)
    {
        var get = await GetAsync(path, "-H", $"Host: {Expand(host)}");

        Assert.Equal(22, get.ExitCode);
        var body = Encoding.UTF8.GetString(get.Body);
        Assert.Contains("421", get.Error, StringComparison.Ordinal);
        Assert.StartsWith($"Host '{Expand(host)}' is neither this endpoint's address nor one of Farm:Telemetry:AllowedHosts", body, StringComparison.Ordinal);
        Assert.DoesNotContain("process_cpu", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Origin: http://evil.example")]
    [InlineData("Origin: null")]
    [InlineData("Sec-Fetch-Site: cross-site")]
    public async Task RequestFromAPage_Forbidden(string header)
    {
        var get = await GetAsync("metrics", "-H", header);

        Assert.Equal(22, get.ExitCode);
        Assert.Contains("403", get.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("process_cpu", Encoding.UTF8.GetString(get.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddressTypedIntoTheBrowser_Served()
    {
        var get = await GetAsync("healthz/live", "-H", "Sec-Fetch-Site: none");

        Assert.True(get.ExitCode == 0, get.Error);
    }

    private string Expand(string host) => host.Replace("{address}", Authority, StringComparison.Ordinal).Replace("{port}", Port, StringComparison.Ordinal);

    private Task<Curl.Download> GetAsync(string path, params string[] arguments) =>
        Curl.GetAsync(new Uri(_node.TelemetryUri, path).ToString(), ["--fail-with-body", .. arguments]);
}
