using Farm.IntegrationTests.Rogues;
using Farm.IntegrationTests.Support;
using Farm.Shared.Replication.Floor;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17, outsider finding F2 (att17c): a member holding a farm certificate for role <c>socks</c> keeps
/// the farm's signed version 2 ("pass to the test server"), and once the operator replaced it with version 3
/// ("block it"), writes version 2 back into the replicated register. Its lighthouse signature is genuine, so
/// only the members' floors (the newest version each enforced, kept on disk) tell it is a replay.
/// </summary>
public sealed class ReplayedPolicyTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const int Nodes = 2;

    [Fact]
    public async Task SocksMember_ReplaysAnOlderSignedVersion_ARestartedNodeWithoutItsStoreStillRefuses()
    {
        await Farm.StartAllAsync(FarmPolicies.Block(Server.Endpoint.Port), nodes: Nodes);
        await using var rogue = await RogueClusterMember.JoinAsync(Farm.LighthouseAddress, TestCertificates.FarmSocksOnly);

        await ApplyThroughNodeAsync(1, FarmPolicies.Allow(Server.Endpoint.Port));
        await WaitAllNodesEnforceAsync(2, nodes: [1, 2]);
        await AssertAllowedAsync(2);
        var version2 = await ReadFarmVersionAsync(rogue, 2);

        await ApplyThroughNodeAsync(1, FarmPolicies.Block(Server.Endpoint.Port, revision: 3));
        await WaitAllNodesEnforceAsync(3, nodes: [1, 2]);
        await ReadFarmVersionAsync(rogue, 3);
        await AssertRefusedAsync(2);

        await rogue.WritePolicyAsync(version2);

        // The running nodes count the replay once and keep version 3.
        for (var node = 1; node <= Nodes; node++)
        {
            await WaitReplaysCountedAsync($"node{node}");
            await AssertRefusedAsync(node);
        }

        // Node 2 comes back with its store wiped and its floor kept: the register hands it version 2 first.
        Farm.Node(2).KillHard();
        File.Delete(Path.Combine(Farm.DataDirectory("node2"), "farm-policy.ddata"));
        Assert.True(File.Exists(Path.Combine(Farm.DataDirectory("node2"), PolicyFloorStore.FileName)), "node2 kept no policy floor");
        var restarted = Farm.StartNode(2);
        await restarted.WaitForLineAsync(t => t.Contains("Policy version 2 by", StringComparison.Ordinal) && t.Contains("older than version 3", StringComparison.Ordinal), Converge);
        await WaitReplaysCountedAsync("node2");
        Assert.Equal(0, restarted.LatestPolicyVersion());
        var replayed = await Curl.GetThroughAsync(Farm.SocksProxy(2), Server.Url);
        Assert.True(replayed.ExitCode != 0 && replayed.Body != LoopbackHttpServer.Body, $"node2 passed the CONNECT that only the replayed version 2 passes (curl exit {replayed.ExitCode})");

        // The farm's next version descends from version 3: node 2 takes it, and the test server stays blocked.
        await ApplyThroughNodeAsync(1, FarmPolicies.Block(Server.Endpoint.Port, revision: 4));
        await WaitAllNodesEnforceAsync(4, nodes: [1, 2]);
        await AssertRefusedAsync(2);
    }

    /// <summary>The register as the rogue reads it from a majority, once it holds <paramref name="version"/>.</summary>
    private async Task<Farm.Shared.Replication.PolicyEnvelope> ReadFarmVersionAsync(RogueClusterMember rogue, long version)
    {
        var deadline = Farm.Clock.Elapsed + Converge;
        while (true)
        {
            var held = await rogue.ReadPolicyAsync();
            if (held.Version == version || Farm.Clock.Elapsed > deadline)
            {
                Assert.Equal(version, held.Version);
                return held;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private async Task WaitReplaysCountedAsync(string member)
    {
        var deadline = Farm.Clock.Elapsed + Converge;
        double? counted = null;
        while (Farm.Clock.Elapsed < deadline)
        {
            counted = MetricsText.Value(await Http.GetAsync(Farm.TelemetryUrl(member) + "/metrics"), "farm_policy_replayed_versions_total");
            if (counted >= 1)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.True(counted == 1, $"{member} counted {counted?.ToString() ?? "no"} replayed policy values, expected 1");
    }
}
