using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Stop is a drain: SIGTERM takes the node out of DNS first, refuses new clients, lets open sessions
/// finish within <c>Farm:Drain:Deadline</c> (closing those that outlast it), reports itself not ready
/// and draining meanwhile, and exits 0.
/// </summary>
public sealed class StopDrainTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string FarmName = "socks.farm.test";

    [Fact]
    public async Task Sigterm_DownloadWithinTheDeadline_FinishesByteExact_DnsDroppedFirst_NotReadyWhileDraining_ExitsZero()
    {
        // 1.5 MB at 300 kB/s: about 5 s, well inside the 20 s deadline.
        await using var blob = PacedSource.Http(1_536 * 1024, 300 * 1024);
        Farm.NodeSettings[2] = new() { ["FARM__DRAIN__DEADLINE"] = "00:00:20" };
        await Farm.StartAllAsync(FarmPolicies.Allow(blob.Endpoint.Port));
        await WaitForAnswerAsync(answer => answer.Length == FarmHarness.NodeCount);
        Assert.Equal(200, await ReadyStatusAsync(2));
        var file = Path.Combine(Path.GetTempPath(), $"farm-drain-{Guid.NewGuid():N}.bin");
        try
        {
            var clock = Stopwatch.StartNew();
            var download = Curl.DownloadThroughAsync(Farm.SocksProxy(2), blob.Url, file, TimeSpan.FromSeconds(40));
            await WaitUntilAsync(() => File.Exists(file) && new FileInfo(file).Length > 0, "the download never started");

            var terminated = clock.Elapsed;
            Farm.Node(2).Terminate();
            var dnsGone = await WhenAsync(async () => !(await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A")).Contains(Farm.SocksAddress(2)), clock);
            Assert.False(Farm.Node(2).HasExited, "the node exited before DNS dropped it");
            Assert.Equal(503, await ReadyStatusAsync(2));
            await DrainingMetricAsync(2);
            await WaitUntilAsync(() => !Listens(Farm.SocksAddress(2), Farm.SocksPort(2)), "the listener stayed open while draining");

            var result = await download;
            var finished = clock.Elapsed;
            Assert.True(result.ExitCode == 0, $"curl exit {result.ExitCode}: {result.Error}");
            Assert.Equal(blob.Sha256, Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(file))));
            Assert.True(await Farm.Node(2).WaitForExitAsync(TimeSpan.FromSeconds(20)), "the node did not exit after its last session");
            var exited = clock.Elapsed;
            Assert.Equal(0, Farm.Node(2).ExitCode);
            Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SIGTERM at {terminated.TotalSeconds:F2} s, out of DNS {(dnsGone - terminated).TotalMilliseconds:F0} ms later, download done at {finished.TotalSeconds:F2} s, exit 0 at {exited.TotalSeconds:F2} s"));
            Assert.True(dnsGone < finished, "DNS dropped the node only after the download");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sigterm_SessionLongerThanTheDeadline_IsClosedAtTheDeadline_ThenExitsZero()
    {
        var deadline = TimeSpan.FromSeconds(3);
        Farm.NodeSettings[2] = new() { ["FARM__DRAIN__DEADLINE"] = "00:00:03" };
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        using var session = await HeldSession.OpenAsync(Farm.SocksAddress(2), Farm.SocksPort(2), Server.Endpoint);

        var clock = Stopwatch.StartNew();
        Farm.Node(2).Terminate();
        await session.WaitClosedAsync(TimeSpan.FromSeconds(15));
        var closed = clock.Elapsed;
        Assert.True(await Farm.Node(2).WaitForExitAsync(TimeSpan.FromSeconds(20)), "the node did not exit after the deadline");
        var exited = clock.Elapsed;

        Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deadline {deadline.TotalSeconds} s: session closed {closed.TotalSeconds:F2} s after SIGTERM, exit {Farm.Node(2).ExitCode} at {exited.TotalSeconds:F2} s"));
        Assert.True(closed >= deadline - TimeSpan.FromMilliseconds(200), $"the session was closed after {closed.TotalSeconds:F2} s, before the {deadline.TotalSeconds} s deadline");
        Assert.True(closed <= deadline + TimeSpan.FromSeconds(3), $"the session was closed after {closed.TotalSeconds:F2} s, long after the {deadline.TotalSeconds} s deadline");
        Assert.Equal(0, Farm.Node(2).ExitCode);
    }

    [Fact]
    public async Task NodeDrain_NotReadyAndDrainingWhileItsSessionRuns_ThenLeavesAndExitsZero()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        Assert.Equal(200, await ReadyStatusAsync(3));
        Assert.Equal(0, MetricsText.Value(await Http.GetAsync(Farm.TelemetryUrl("node3") + "/metrics"), "farm_node_draining"));
        var session = await HeldSession.OpenAsync(Farm.SocksAddress(3), Farm.SocksPort(3), Server.Endpoint);

        await Http.PostJsonAsync(Farm.AdminUrl("node3") + "/node/drain", "{}", FarmHarness.AdminToken);
        Assert.Equal(503, await ReadyStatusAsync(3));
        await DrainingMetricAsync(3);
        Assert.False(Farm.Node(3).HasExited, "the node went while its session was open");

        // The last session ends: the node leaves the farm and its process exits 0, so that a
        // restart-on-failure policy leaves it down.
        session.Dispose();
        Assert.True(await Farm.Node(3).WaitForExitAsync(TimeSpan.FromSeconds(30)), "the drained node did not exit");
        Assert.Equal(0, Farm.Node(3).ExitCode);
    }

    /// <summary>Waits (briefly: the exporter caches a scrape for a moment) for <c>farm_node_draining 1</c>.</summary>
    private async Task DrainingMetricAsync(int node)
    {
        var clock = Stopwatch.StartNew();
        while (MetricsText.Value(await Http.GetAsync(Farm.TelemetryUrl($"node{node}") + "/metrics"), "farm_node_draining") != 1)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"node {node} never reported farm_node_draining 1");
            await Task.Delay(100);
        }
    }

    private async Task<int> ReadyStatusAsync(int node)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await client.GetAsync(new Uri(Farm.TelemetryUrl($"node{node}") + "/healthz/ready"));
        return (int)response.StatusCode;
    }

    private static bool Listens(string address, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Parse(address), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Converge, failure);
            await Task.Delay(20);
        }
    }

    private static async Task<TimeSpan> WhenAsync(Func<Task<bool>> condition, Stopwatch clock)
    {
        var start = clock.Elapsed;
        while (!await condition())
        {
            Assert.True(clock.Elapsed - start < Converge, "the condition never held");
            await Task.Delay(20);
        }

        return clock.Elapsed;
    }

    private async Task WaitForAnswerAsync(Func<string[], bool> expected)
    {
        var clock = Stopwatch.StartNew();
        string[] answer;
        while (!expected(answer = await Dig.ShortAsync(Farm.DnsAddress, Farm.DnsPort, FarmName, "A")))
        {
            Assert.True(clock.Elapsed < Converge, $"DNS never answered as expected; last: {string.Join(' ', answer)}");
            await Task.Delay(100);
        }
    }
}
