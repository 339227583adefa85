using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// A node started with its own policy file whose text differs from the farm's stored policy: the file
/// wins only when it was modified after the farm's version was written (then applied through the
/// farm's compare-and-set write and enforced by every member); otherwise the farm's version stays and
/// the node logs one warning naming both.
/// </summary>
public sealed class PolicyFileAtStartTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string KeptWarning = "differs from the farm's policy version";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task FileOlderThanTheFarmsVersion_FarmsVersionKept_WithOneWarningNamingBoth()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port), nodes: 2);
        var file = Farm.PolicyFile(3);
        await File.WriteAllTextAsync(file, FarmPolicies.Block(Server.Endpoint.Port));
        var modified = DateTime.UtcNow - TimeSpan.FromHours(1);
        File.SetLastWriteTimeUtc(file, modified);

        var node = Farm.StartNode(3);
        await FarmHarness.WaitMemberReadyAsync(node, Farm.ClusterAddress(3));
        var warning = await node.WaitForLineAsync(t => t.Contains(KeptWarning, StringComparison.Ordinal), Converge);
        Output.WriteLine(warning.Text);
        Assert.Contains(file, warning.Text, StringComparison.Ordinal);
        Assert.Contains($"modified {modified:yyyy-MM-ddTHH:mm:ss}", warning.Text, StringComparison.Ordinal);
        Assert.Contains("policy version 1 (written ", warning.Text, StringComparison.Ordinal);

        // The farm's version, not the file, on this node and the others; and the warning said once.
        await AssertAllowedAsync(3);
        await AssertAllowedAsync(1);
        await Task.Delay(Settle);
        Assert.Equal(1, node.CountLines(t => t.Contains(KeptWarning, StringComparison.Ordinal)));
        Assert.Equal(1, node.LatestPolicyVersion());
        Assert.Equal(1, Farm.Node(1).LatestPolicyVersion());
        await AssertAllowedAsync(3);
    }

    [Fact]
    public async Task FileNewerThanTheFarmsVersion_AppliedToTheFarm_AndEnforcedByAnotherMember()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port), nodes: 2);
        await AssertAllowedAsync(1);

        // Written after version 1 was: the operator changed this node's file while it was stopped.
        await File.WriteAllTextAsync(Farm.PolicyFile(3), FarmPolicies.Block(Server.Endpoint.Port));
        var node = Farm.StartNode(3);
        await FarmHarness.WaitMemberReadyAsync(node, Farm.ClusterAddress(3));

        var applied = await node.WaitForLineAsync(t => t.Contains("applied to the farm as version 2", StringComparison.Ordinal), Converge);
        Output.WriteLine(applied.Text);
        await WaitAllNodesEnforceAsync(2, 0, 1, 2, 3);
        await AssertRefusedAsync(1);
        await AssertRefusedAsync(3);
        Assert.False(node.HasLine(t => t.Contains(KeptWarning, StringComparison.Ordinal)));
    }
}
