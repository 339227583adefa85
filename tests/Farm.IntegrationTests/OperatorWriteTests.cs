using System.Security.Cryptography.X509Certificates;
using Farm.IntegrationTests.Rogues;
using Farm.IntegrationTests.Support;
using Farm.Shared.Replication;
using Farm.Shared.Replication.Signing;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17, outsider finding att17c F1: the policy arbiter signed any write any member sent it. A member with a
/// farm certificate for role <c>socks</c> only sends the arbiter a pass-everything policy as an operator's write,
/// as its "own file" naming a victim node as the writer, and with an operator signature made with its own key:
/// each is refused, no node enforces it, a CONNECT the real policy refuses stays refused, and the register
/// (its version and whose local policy it is) does not change. farmctl applies through a socks-only node with an
/// operator certificate, and without one exits 1 saying what is needed, the policy unchanged.
/// </summary>
public sealed class OperatorWriteTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string PassEverything = "client pass from any name anyone\npass any to any name everything\n";

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SocksMemberWrites_AreRefused_FarmctlAppliesOnlyWithAnOperatorCertificate()
    {
        // Node 1 holds a socks-only certificate, as a real farm's nodes do: its SIGHUP is no farm-wide write.
        Farm.NodeSettings[1] = TestCertificates.FarmSocksOnly.Environment();
        await Farm.StartAllAsync(FarmPolicies.Block(Server.Endpoint.Port), nodes: 2);
        var version = Farm.Node(1).LatestPolicyVersion();
        await AssertRefusedAsync(1);

        await using (var rogue = await RogueClusterMember.JoinAsync(Farm.LighthouseAddress, TestCertificates.FarmSocksOnly))
        {
            await RogueWritesAreRefusedAsync(rogue, version);
        }

        var file = Path.Combine(Path.GetTempPath(), $"farm-operator-{Guid.NewGuid():N}.policy");
        await File.WriteAllTextAsync(file, FarmPolicies.Allow(Server.Endpoint.Port));
        try
        {
            var refused = await FarmctlAsync("policy", "apply", file);
            Assert.True(refused.ExitCode == 1, $"farmctl without an operator certificate exited {refused.ExitCode}: {refused.Output} {refused.Error}");
            Assert.Contains("policy writes in a TLS farm need an operator certificate", refused.Error, StringComparison.Ordinal);
            Assert.Equal(version, Farm.Node(1).LatestPolicyVersion());
            await AssertRefusedAsync(1);

            var applied = await FarmctlAsync("policy", "apply", file, "--operator-cert", TestCertificates.Operator.Certificate, "--operator-key", TestCertificates.Operator.Key);
            Assert.True(applied.ExitCode == 0, $"farmctl with an operator certificate exited {applied.ExitCode}: {applied.Output} {applied.Error}");
            await WaitAllNodesEnforceAsync(version + 1, nodes: [1, 2]);
            await AssertAllowedAsync(1);
            await AssertAllowedAsync(2);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task RogueWritesAreRefusedAsync(RogueClusterMember rogue, long version)
    {
        var before = await rogue.ReadPolicyAsync();
        var victim = PolicyReplicaActor.SelfKey(Akka.Actor.Address.Parse(Farm.ClusterAddress(1)));

        var asOperator = await rogue.AskArbiterAsync(new ApplyPolicy(PassEverything, "mallory", before.Version, victim, "rogue-apply", Wait));
        Assert.True(asOperator.Outcome == ApplyOutcome.Failed, $"the arbiter took the socks member's apply: {asOperator.Outcome} {asOperator.Message}");
        Assert.Contains("need an operator certificate", asOperator.Message, StringComparison.Ordinal);

        var asVictimsFile = await rogue.AskArbiterAsync(new ApplyPolicy(PassEverything, "sighup:node1", before.Version, victim, "rogue-local", Wait, FromLocalFile: true));
        Assert.True(asVictimsFile.Outcome == ApplyOutcome.Failed, $"the arbiter took the socks member's 'local file' write: {asVictimsFile.Outcome} {asVictimsFile.Message}");
        Assert.Contains("apply it with farmctl and an operator certificate", asVictimsFile.Message, StringComparison.Ordinal);

        using var socksKey = X509Certificate2.CreateFromPemFile(TestCertificates.FarmSocksOnly.Certificate, TestCertificates.FarmSocksOnly.Key);
        var selfSigned = OperatorSignature.Sign(socksKey, OperatorSignature.Apply, PassEverything, before.Version, "rogue-signed", "mallory");
        var withOwnKey = await rogue.AskArbiterAsync(new ApplyPolicy(PassEverything, "mallory", before.Version, victim, selfSigned.Nonce, Wait, Operator: selfSigned));
        Assert.True(withOwnKey.Outcome == ApplyOutcome.Failed, $"the arbiter took a write signed with a socks key: {withOwnKey.Outcome} {withOwnKey.Message}");
        Assert.Contains("not issued for role 'operator'", withOwnKey.Message, StringComparison.Ordinal);
        Assert.True(Farm.Lighthouse!.HasLine(t => t.Contains("Policy write from", StringComparison.Ordinal) && t.Contains("refused", StringComparison.Ordinal)), "the lighthouse did not log the refused writes");

        var after = await rogue.ReadPolicyAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.LocalOf, after.LocalOf);
        Assert.Equal(before.Digest(), after.Digest());
        for (var node = 1; node <= 2; node++)
        {
            Assert.Equal(version, Farm.Node(node).LatestPolicyVersion());
            await AssertRefusedAsync(node);
        }
    }

    private Task<Tool.Result> FarmctlAsync(params string[] arguments) =>
        Tool.RunAsync("env", [$"FARMCTL_TOKEN={FarmHarness.AdminToken}", "dotnet", FarmHarness.Dll("Farm.Cli", "farmctl"), Farm.AdminUrl("node1").Replace("http://", string.Empty, StringComparison.Ordinal), .. arguments], TimeSpan.FromSeconds(60));
}
