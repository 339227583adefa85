using System.Net;
using System.Text.RegularExpressions;
using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// A node the farm downs (<c>cluster down</c>, as the split-brain resolver does to a partition's minority)
/// outlives its membership and becomes a member again by itself, without a process restart: its paced
/// download completes byte for byte, it serves new clients while detached, it is Up again as a new
/// incarnation (same PID) within 30 s, and it enforces a policy applied after it rejoined.
/// </summary>
public sealed partial class RejoinTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const int Victim = 2;
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RejoinLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DownedNode_KeepsItsDownload_ServesWhileDetached_AndIsUpAgainWithin30s_SamePid()
    {
        // 6 MiB in 64 KiB chunks every 150 ms: about 15 s, longer than the downing and the rejoin.
        await using var source = new PacedSource(6 << 20, 64 << 10, TimeSpan.FromMilliseconds(150));
        var allowPaced = $"pass connect from 127.0.0.0/8 to 127.0.0.1 port {source.Endpoint.Port} name paced-source\n";
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port) + allowPaced, nodes: 2);
        var node = Farm.Node(Victim);
        var pid = node.Pid;

        var download = new SocksDownload();
        var transfer = download.RunAsync(Farm.SocksAddress(Victim), Farm.SocksPort(Victim), source.Endpoint, DownloadTimeout);
        await WaitFirstByteAsync(download, transfer);
        var mark = node.LineCount;
        await Http.PostJsonAsync(Farm.AdminUrl(FarmHarness.LighthouseName) + "/cluster/down", $$"""{"address":"{{Farm.ClusterAddress(Victim)}}"}""", FarmHarness.AdminToken);
        var downedAt = Farm.Clock.Elapsed;

        var detached = await node.WaitForLineAsync(t => t.Contains("node detached", StringComparison.Ordinal), TimeSpan.FromSeconds(15), mark);
        Assert.False(transfer.IsCompleted, "the download ended before the node detached; the test proves nothing");
        await AssertAllowedAsync(Victim);
        Assert.Equal(1, await DetachedGaugeAsync());
        Assert.Equal(0, await DetachedGaugeAsync(node: 1));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyAsync());
        var servedDetachedAt = Farm.Clock.Elapsed;

        var rejoined = await node.WaitForLineAsync(t => t.Contains("rejoined the farm as cluster incarnation", StringComparison.Ordinal), RejoinLimit, mark);
        await FarmHarness.WaitMemberReadyAsync(node, Farm.ClusterAddress(Victim), mark);
        var upAgain = Farm.Clock.Elapsed;
        Assert.True(servedDetachedAt < rejoined.At, $"the new client was served and the detached state read by {servedDetachedAt}, after the rejoin at {rejoined.At}: not while detached");
        Assert.True(upAgain - downedAt < RejoinLimit, $"Up again {upAgain - downedAt} after the down");
        Assert.False(node.HasExited, "the downed node's process exited");
        Assert.Equal(pid, node.Pid);

        var result = await transfer;
        Assert.True(result.Error is null, $"download through the downed node broke after {result.Bytes} of {source.Length} bytes: {result.Error}");
        Assert.Equal(source.Length, result.Bytes);
        Assert.Equal(source.Sha256, result.Sha256);
        Output.WriteLine($"down at {downedAt}, detached at {detached.At}, served a new client detached at {servedDetachedAt}, rejoined at {rejoined.At} ({rejoined.Text}), Up and enforcing at {upAgain}: {(upAgain - downedAt).TotalSeconds:0.0} s from the down, pid {pid} throughout");

        await WaitUntilAsync(async () => await ReadyAsync() == HttpStatusCode.OK && await DetachedGaugeAsync() == 0, "ready 200 and farm_node_detached 0 after the rejoin");

        // A policy applied after the rejoin reaches the new incarnation: the test server is now refused through it.
        var version = node.LatestPolicyVersion();
        var since = System.Diagnostics.Stopwatch.StartNew();
        await PolicyApply.UntilAppliedAsync(Farm.AdminUrl("node1"), FarmHarness.AdminToken, FarmPolicies.Block(Server.Endpoint.Port, revision: 1), since, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Output.WriteLine);
        await node.WaitForPolicyAsync(version + 1, Converge);
        await AssertRefusedAsync(Victim);
    }

    private static async Task WaitFirstByteAsync(SocksDownload download, Task<(long Bytes, string Sha256, string? Error)> transfer)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (download.Received == 0)
        {
            Assert.False(transfer.IsCompleted, $"the download ended before its first byte: {(transfer.IsCompleted ? (await transfer).Error : null)}");
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), "no byte of the download arrived within 15 s");
            await Task.Delay(20);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"not within 20 s: {what}");
            await Task.Delay(200);
        }
    }

    private async Task<HttpStatusCode> ReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var ready = await http.GetAsync(new Uri($"{Farm.TelemetryUrl($"node{Victim}")}/healthz/ready"));
        return ready.StatusCode;
    }

    private async Task<double> DetachedGaugeAsync(int node = Victim)
    {
        var metrics = await Http.GetAsync($"{Farm.TelemetryUrl($"node{node}")}/metrics");
        var match = DetachedSample().Match(metrics);
        Assert.True(match.Success, $"node {node} exports no farm_node_detached");
        return double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^farm_node_detached(\{[^}]*\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex DetachedSample();
}
