using Farm.IntegrationTests.Rogues;
using Farm.IntegrationTests.Support;
using Farm.Shared.Replication;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17, outsider finding att17d F1: classic remoting carries a message's sender path as the sending side
/// wrote it, and the policy arbiter takes the writer from the sender. A member with a socks-only certificate sent
/// the arbiter a pass-everything write with no sender, and with a sender naming the lighthouse's own address:
/// either way the arbiter took it as its own member's, signed it, and every node enforced it. Now the lighthouse
/// closes the connection that names a sender not at its claimed address (counted as reason "sender") and the
/// arbiter refuses a remote write without a sender; no version is written and a CONNECT stays refused.
/// </summary>
public sealed class ForgedSenderWriteTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string PassEverything = "client pass from any name anyone\npass any to any name everything\n";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SocksMember_WritesWithNoSenderOrTheLighthousesAddressAsSender_IsRefused_NoVersionWritten()
    {
        await Farm.StartAllAsync(FarmPolicies.Block(Server.Endpoint.Port), nodes: 1);
        var lighthouse = Farm.Lighthouse!;
        var version = Farm.Node(1).LatestPolicyVersion();
        await AssertRefusedAsync(1);

        await using var rogue = await RogueClusterMember.JoinAsync(Farm.LighthouseAddress, TestCertificates.FarmSocksOnly);
        var before = await rogue.ReadPolicyAsync();
        var write = new ApplyPolicy(PassEverything, "mallory", before.Version, "ignored", "rogue-nosender", TimeSpan.FromSeconds(5));

        // Before the fix: "Policy version N written for mallory by <the lighthouse>", and node1 passed the CONNECT.
        var mark = lighthouse.LineCount;
        rogue.TellArbiter(Farm.LighthouseAddress, write, sender: null);
        var noSender = await lighthouse.WaitForLineAsync(t => t.Contains("written for mallory", StringComparison.Ordinal) || t.Contains("for mallory refused", StringComparison.Ordinal), Deadline, mark);
        Assert.Contains("is neither a member's address nor a request of this member", noSender.Text, StringComparison.Ordinal);

        mark = lighthouse.LineCount;
        rogue.TellArbiter(Farm.LighthouseAddress, write with { Nonce = "rogue-forged" }, $"{Farm.LighthouseAddress}/user/nobody");
        var forged = await lighthouse.WaitForLineAsync(t => t.Contains("written for mallory", StringComparison.Ordinal) || t.Contains("refused the connection", StringComparison.Ordinal), Deadline, mark);
        Assert.Contains("cluster TLS: refused the connection from ", forged.Text, StringComparison.Ordinal);
        Assert.Contains($"its message names sender {Farm.LighthouseAddress}/user/nobody, not an actor at the address it claimed (127.0.0.1:{rogue.Port})", forged.Text, StringComparison.Ordinal);
        var metrics = await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/metrics");
        Assert.True(MetricsText.Value(metrics, "farm_cluster_inbound_refused_total", "reason=\"sender\"") >= 1, "the lighthouse did not count the refused connection in farm_cluster_inbound_refused_total{reason=\"sender\"}");

        var after = await rogue.ReadPolicyAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Digest(), after.Digest());
        Assert.False(lighthouse.HasLine(t => t.Contains("written for mallory", StringComparison.Ordinal)), "the arbiter wrote the rogue's policy");
        Assert.Equal(version, Farm.Node(1).LatestPolicyVersion());
        await AssertRefusedAsync(1);
    }
}
