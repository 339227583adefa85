using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Telemetry;

/// <summary>
/// A node process that has relayed nothing yet, as its dashboards first see it: the session families
/// are there at zero (a panel shows 0, not "No data"), and scrapes and admin calls leave no
/// per-request lines in its diagnostics.
/// </summary>
public sealed class FreshNodeTelemetryTests
{
    private const int Scrapes = 20;

    [Fact]
    public async Task FreshNode_SessionFamiliesStartAtZero_AndRequestsLogNothing()
    {
        var telemetry = TestPorts.Next();
        var admin = TestPorts.Next();
        await using var node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string>
        {
            ["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{telemetry}",
            ["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{admin}",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        PrometheusScrape? scrape = null;
        for (var i = 0; i < Scrapes; i++)
        {
            scrape = await PrometheusScrape.GetAsync(new Uri($"http://127.0.0.1:{telemetry}/"));
            await http.GetAsync(new Uri($"http://127.0.0.1:{admin}/cluster"));
        }

        foreach (var version in new[] { "4", "5" })
        {
            Assert.Equal(0, scrape!.Value("farm_sessions_ended_total", ("outcome", "completed"), ("socks_version", version), ("socks_command", "connect")));
            Assert.Equal(0, scrape.Value("farm_sessions_active", ("socks_version", version), ("socks_command", "connect")));
        }

        Assert.Equal(0, scrape!.Value("farm_sessions_ended_total", ("outcome", "client-refused"), ("socks_version", "none"), ("socks_command", "none")));
        var diagnostics = node.Diagnostics;
        Assert.DoesNotContain("Request starting", diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain("Request finished", diagnostics, StringComparison.Ordinal);
    }
}
