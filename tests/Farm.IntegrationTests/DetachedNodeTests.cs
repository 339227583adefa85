using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// A node the cluster removes (here: downed through the admin API) keeps its process and its
/// sessions: a paced download through it completes byte for byte, and it serves new clients on its
/// last policy until that is older than Farm:Cluster:Detached:MaxStalePolicy. (RejoinTests follows a
/// downed node until it is a member again.)
/// </summary>
public sealed class DetachedNodeTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const int Victim = 2;
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromSeconds(60);

    // 4 MiB in 64 KiB chunks every 150 ms: about 10 s, longer than a downing takes to reach the node.
    private readonly PacedSource _source = new(4 << 20, 64 << 10, TimeSpan.FromMilliseconds(150));

    [Fact]
    public async Task DetachedNode_PastMaxStalePolicy_RefusesNewClients_WhileItsOpenDownloadCompletes()
    {
        Farm.NodeSettings[Victim] = new() { ["FARM__CLUSTER__DETACHED__MAXSTALEPOLICY"] = "00:00:02" };
        await Farm.StartAllAsync(Policy(), nodes: 2);
        var node = Farm.Node(Victim);

        var (download, transfer) = await StartDownloadAsync();
        var mark = node.LineCount;
        await DownAsync(Victim);
        await node.WaitForLineAsync(t => t.Contains("policy version", StringComparison.Ordinal) && t.Contains("is stale", StringComparison.Ordinal), TimeSpan.FromSeconds(30), mark);
        Assert.True(download.Received < _source.Length, "the download ended before the policy went stale; the test proves nothing");

        await AssertRefusedAsync(Victim);
        var result = await transfer;
        Assert.True(result.Error is null, $"download through the detached node broke after {result.Bytes} bytes: {result.Error}");
        Assert.Equal(_source.Sha256, result.Sha256);
        Assert.False(node.HasExited, "the downed node's process exited");
        await AssertAllowedAsync(1);
    }

    [Fact]
    public async Task NodeCutOffFromEveryPeer_DownsItself_AndFinishesItsDownload_AndServesNewClients()
    {
        await Farm.StartAllAsync(Policy(), nodes: 2);
        var node = Farm.Node(Victim);
        var peers = new[] { Farm.Lighthouse!, Farm.Node(1) };

        // Detection (2 s heartbeat pause) and the split-brain resolver (3 s stable-after) take several
        // seconds: 8 MiB in 64 KiB chunks every 150 ms lasts about 20 s.
        await using var slow = new PacedSource(8 << 20, 64 << 10, TimeSpan.FromMilliseconds(150));
        var download = new SocksDownload();
        var transfer = download.RunAsync(Farm.SocksAddress(Victim), Farm.SocksPort(Victim), slow.Endpoint, DownloadTimeout);
        var mark = node.LineCount;
        try
        {
            // Both peers fall silent at once: from node 2 the rest of the farm is unreachable, and as
            // the minority it downs itself, exactly as on its side of a network partition.
            foreach (var peer in peers)
            {
                peer.Freeze();
            }

            var detached = await node.WaitForLineAsync(t => t.Contains("node detached", StringComparison.Ordinal), TimeSpan.FromSeconds(40), mark);
            Assert.False(transfer.IsCompleted, $"the download ended before the node detached; the test proves nothing: {(transfer.IsCompleted ? (await transfer).Error : null)}");
            Output.WriteLine($"detached at {detached.At}");
            await AssertAllowedAsync(Victim);
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Thaw();
            }
        }

        var result = await transfer;
        Assert.True(result.Error is null, $"download through the cut-off node broke after {result.Bytes} of {slow.Length} bytes: {result.Error}");
        Assert.Equal(slow.Sha256, result.Sha256);
        Assert.False(node.HasExited, "the cut-off node's process exited");
        await AssertAllowedAsync(Victim);
        await AssertAllowedAsync(1);
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await _source.DisposeAsync();
        }
    }

    private string Policy() =>
        FarmPolicies.Allow(Server.Endpoint.Port) + "pass connect from 127.0.0.0/8 to 127.0.0.1 name paced-sources\n";

    private async Task<(SocksDownload Download, Task<(long Bytes, string Sha256, string? Error)> Transfer)> StartDownloadAsync()
    {
        var download = new SocksDownload();
        var transfer = download.RunAsync(Farm.SocksAddress(Victim), Farm.SocksPort(Victim), _source.Endpoint, DownloadTimeout);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (download.Received == 0)
        {
            Assert.False(transfer.IsCompleted, $"the download ended before its first byte: {(transfer.IsCompleted ? (await transfer).Error : null)}");
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), "no byte of the download arrived within 10 s");
            await Task.Delay(20);
        }

        return (download, transfer);
    }

    private Task DownAsync(int node) =>
        Http.PostJsonAsync(Farm.AdminUrl(FarmHarness.LighthouseName) + "/cluster/down", $$"""{"address":"{{Farm.ClusterAddress(node)}}"}""", FarmHarness.AdminToken);
}
