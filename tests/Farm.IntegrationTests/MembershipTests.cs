using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

public sealed class MembershipTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    [Fact]
    public async Task KilledNode_IsDownedForItsRefusedPort_FarmKeepsServing_AndRestartedNodeRejoins_EvenAtOnce()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        var lighthouse = Farm.Lighthouse!;
        var victim = Farm.ClusterAddress(2);
        var mark = lighthouse.LineCount;

        Farm.Node(2).KillHard();
        await lighthouse.WaitForLineAsync(t => t.Contains($"member {victim} refused", StringComparison.Ordinal) && t.Contains("downing it", StringComparison.Ordinal), TimeSpan.FromSeconds(20), mark);
        await lighthouse.WaitForLineAsync(t => t.Contains($"member {victim} [socks] is Removed", StringComparison.Ordinal), TimeSpan.FromSeconds(30), mark);
        await AssertAllowedAsync(1);
        await AssertAllowedAsync(3);

        // The farm moves on while node 2 is gone; it must come back on the new version, not its old one.
        await ApplyThroughNodeAsync(1, FarmPolicies.Block(Server.Endpoint.Port));
        var version = Farm.Node(1).LatestPolicyVersion() + 1;
        await WaitAllNodesEnforceAsync(version, 0, 1, 3);

        var restarted = Farm.StartNode(2);
        await FarmHarness.WaitMemberReadyAsync(restarted, victim);
        await restarted.WaitForPolicyAsync(version, Converge);
        await AssertRefusedAsync(2);

        // Restarted at once after SIGKILL, while the farm still holds the old incarnation as a member: the new
        // one must not be turned away for good (Akka removes the old incarnation first, the node retries its join).
        restarted.KillHard();
        var immediately = Farm.StartNode(2);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await FarmHarness.WaitMemberReadyAsync(immediately, victim);
        await immediately.WaitForPolicyAsync(version, Converge);
        Output.WriteLine($"restarted at once after SIGKILL: Up and enforcing version {version} after {clock.Elapsed.TotalSeconds:F1} s");
        await AssertRefusedAsync(2);
    }

    [Fact]
    public async Task AllMembersStopped_LighthouseAndOneNodeRestarted_NodeEnforcesTheLastAppliedPolicy()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        await ApplyThroughNodeAsync(1, FarmPolicies.Block(Server.Endpoint.Port));
        var version = Farm.Node(1).LatestPolicyVersion() + 1;
        await WaitAllNodesEnforceAsync(version);

        foreach (var member in Enumerable.Range(1, 3).Select(Farm.Node).Append(Farm.Lighthouse!))
        {
            member.KillHard();
        }

        // The lighthouse's seed file still allows: only the durable store can bring the blocking version back.
        var lighthouse = Farm.StartLighthouse();
        var node = Farm.StartNode(3);
        await FarmHarness.WaitMemberReadyAsync(node, Farm.ClusterAddress(3));
        Assert.Equal(version, (await node.WaitForPolicyAsync(version, Converge)).Version);
        Assert.Equal(version, (await lighthouse.WaitForPolicyAsync(version, Converge)).Version);
        await AssertRefusedAsync(3);
    }
}
