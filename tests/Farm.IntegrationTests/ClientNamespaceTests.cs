using System.Diagnostics;
using System.Text.Json;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// A client that knows only the farm name: in its own network namespace, with the lighthouse as its
/// resolver, curl reaches the farm through <c>socks.farm.test:1080</c>, and fresh connections spread
/// evenly over the nodes because every lookup starts the answer one node further along.
/// </summary>
public sealed class ClientNamespaceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Connections = 300;
    private const int Parallel = 10;

    // Unlikely to collide with another test's veth; the namespace sees only this /24.
    private static readonly string Subnet = $"10.232.{20 + (Environment.ProcessId % 200)}";

    private readonly LoopbackHttpServer _server = new();
    private readonly FarmHarness _farm = new(new FarmLayout(
        [$"{Subnet}.11", $"{Subnet}.12", $"{Subnet}.13"],
        SocksPort: 1080,
        DnsAddress: $"{Subnet}.1",
        // resolv.conf has no port: the lighthouse must answer on 53.
        DnsPort: 53));

    private ClientNamespace? _client;

    public async Task InitializeAsync() =>
        _client = await ClientNamespace.CreateAsync(Subnet, [.. Enumerable.Range(1, FarmHarness.NodeCount).Select(_farm.SocksAddress)], _farm.DnsAddress);

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var member in new[] { _farm.Lighthouse }.Concat(_farm.Nodes).OfType<MemberProcess>())
            {
                output.WriteLine($"--- {member.Name} (pid {member.Pid}) last lines ---{Environment.NewLine}{member.Tail(8)}");
            }
        }
        finally
        {
            await _farm.DisposeAsync();
            await _server.DisposeAsync();
            if (_client is not null)
            {
                await _client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ClientKnowingOnlyTheFarmName_Curls_And300FreshConnectionsSpreadWithin20Percent()
    {
        await StartFarmAsync();
        var first = await CurlAsync();
        Assert.True(first.ExitCode == 0 && first.Output == LoopbackHttpServer.Body, $"curl exit {first.ExitCode}: {first.Error}");
        var before = await SessionsPerNodeAsync(expectedTotal: 1);

        var failures = 0;
        for (var batch = 0; batch < Connections / Parallel; batch++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => CurlAsync()));
            foreach (var failed in results.Where(r => r.ExitCode != 0 || r.Output != LoopbackHttpServer.Body))
            {
                failures++;
                output.WriteLine($"batch {batch}: curl exit {failed.ExitCode}: {failed.Error.Trim()}");
            }
        }

        if (failures > 0)
        {
            output.WriteLine(await DnsMetricsAsync());
        }

        Assert.Equal(0, failures);
        var after = await SessionsPerNodeAsync(expectedTotal: Connections + 1);
        var spread = after.Select((count, i) => count - before[i]).ToArray();
        output.WriteLine($"sessions over {Connections} fresh connections: {string.Join(", ", spread.Select((c, i) => $"node{i + 1}={c}"))}");
        var even = (double)Connections / FarmHarness.NodeCount;
        Assert.All(spread, count => Assert.InRange(count, even * 0.8, even * 1.2));
    }

    /// <summary>
    /// A client over the lighthouse's UDP rate limit gets truncated replies (slip 1: every limited query) and
    /// must still resolve the farm name by asking again over TCP, as glibc's stub resolver does. glibc takes a
    /// reply with no records that is neither authoritative nor recursive for a lame server and gives up.
    /// </summary>
    [Fact]
    public async Task ClientOverTheDnsRateLimit_AsksAgainOverTcp_AndReachesTheFarm()
    {
        _farm.LighthouseSettings["FARM__DNS__RATELIMIT__RESPONSESPERSECOND"] = "0.1";
        _farm.LighthouseSettings["FARM__DNS__RATELIMIT__BURST"] = "1";
        _farm.LighthouseSettings["FARM__DNS__RATELIMIT__SLIP"] = "1";
        await StartFarmAsync();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var result = await CurlAsync();
            Assert.True(result.ExitCode == 0 && result.Output == LoopbackHttpServer.Body, $"curl {attempt}: exit {result.ExitCode}: {result.Error.Trim()}");
        }

        // Each lookup above went over the limit at least once; the exporter may serve a scrape a moment old.
        var deadline = Stopwatch.StartNew();
        while (await SlippedAsync() < 5)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), await DnsMetricsAsync());
            await Task.Delay(200);
        }
    }

    private async Task<double> SlippedAsync()
    {
        var slipped = (await DnsMetricsAsync()).Split('\n').Single(line => line.StartsWith("farm_dns_responses_limited_total", StringComparison.Ordinal) && line.Contains("action=\"slip\"", StringComparison.Ordinal));
        return double.Parse(slipped.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task StartFarmAsync()
    {
        await _farm.StartAllAsync($"""
            client pass from {Subnet}.0/24 name namespace-clients
            block any to any port 9110, 9464 name farm-ports
            pass connect from {Subnet}.0/24 to 127.0.0.1 port {_server.Endpoint.Port} name test-server
            """ + "\n");
        var all = Enumerable.Range(1, FarmHarness.NodeCount).Select(_farm.SocksAddress).Order().ToArray();
        var deadline = Stopwatch.StartNew();
        while (!(await Dig.ShortAsync(_farm.DnsAddress, _farm.DnsPort, "socks.farm.test", "A")).Order().SequenceEqual(all))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "the lighthouse never listed all three nodes");
            await Task.Delay(100);
        }
    }

    private async Task<string> DnsMetricsAsync()
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"{_farm.TelemetryUrl(FarmHarness.LighthouseName)}/metrics");
        return string.Join('\n', metrics.Split('\n').Where(line => line.StartsWith("farm_dns", StringComparison.Ordinal)));
    }

    private Task<Tool.Result> CurlAsync() =>
        _client!.ExecAsync("curl", "--silent", "--show-error", "--max-time", "10", "--socks5-hostname", "socks.farm.test:1080", _server.Url);

    /// <summary>Sessions to the test server in each node's own session log, once they add up to <paramref name="expectedTotal"/>.</summary>
    private async Task<int[]> SessionsPerNodeAsync(int expectedTotal)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var counts = new int[FarmHarness.NodeCount];
            for (var n = 1; n <= FarmHarness.NodeCount; n++)
            {
                counts[n - 1] = await CountAsync(_farm.SessionLog(n));
            }

            if (counts.Sum() >= expectedTotal || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                Assert.Equal(expectedTotal, counts.Sum());
                return counts;
            }

            await Task.Delay(200);
        }
    }

    private async Task<int> CountAsync(string log)
    {
        if (!File.Exists(log))
        {
            return 0;
        }

        var suffix = $":{_server.Endpoint.Port}";
        var lines = await File.ReadAllLinesAsync(log);
        return lines.Count(line => IsSessionTo(line, suffix));
    }

    private static bool IsSessionTo(string line, string portSuffix)
    {
        try
        {
            using var record = JsonDocument.Parse(line);
            return record.RootElement.TryGetProperty("destination", out var destination)
                && destination.GetString()!.EndsWith(portSuffix, StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            // The node is still writing this line; the next poll reads it whole.
            return false;
        }
    }
}
