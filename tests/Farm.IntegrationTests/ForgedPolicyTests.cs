using System.Security.Cryptography.X509Certificates;
using Farm.IntegrationTests.Rogues;
using Farm.IntegrationTests.Support;
using Farm.Shared.Replication.Signing;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17, outsider review finding 3: a member that holds a farm certificate for role <c>socks</c> joins
/// by the rules, then writes a pass-everything policy straight into the replicated register through
/// Distributed Data, first unsigned, then signed with its own (socks) key. Every node keeps refusing what
/// the farm's real policy refuses, counts each rejected value, and the next real apply builds over it.
/// </summary>
public sealed class ForgedPolicyTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const int Nodes = 2;

    private const string PassEverything = "client pass from any name anyone\npass any to any name everything\n";

    [Fact]
    public async Task SocksMember_WritesThePolicyRegisterDirectly_NodesKeepTheSignedPolicyAndCountTheForgery()
    {
        await Farm.StartAllAsync(FarmPolicies.Block(Server.Endpoint.Port), nodes: Nodes);
        var version = Farm.Node(1).LatestPolicyVersion();
        await AssertRefusedAsync(1);

        await using var rogue = await RogueClusterMember.JoinAsync(Farm.LighthouseAddress, TestCertificates.FarmSocksOnly);
        var held = await rogue.ReadPolicyAsync();
        var writer = $"akka.ssl.tcp://farm@127.0.0.1:{rogue.Port}";

        // It descends from the farm's version (the rogue read its digest): on descent alone every node takes it.
        var unsigned = held.Successor(PassEverything, "mallory", DateTimeOffset.UtcNow, writer, "forged-unsigned")!;
        await rogue.WritePolicyAsync(unsigned);
        await AssertNotEnforcedAsync(version + 1, untrusted: 1);

        using var socksKey = X509Certificate2.CreateFromPemFile(TestCertificates.FarmSocksOnly.Certificate, TestCertificates.FarmSocksOnly.Key);
        var signedBySocks = PolicySignature.Sign(held.Successor(PassEverything, "mallory", DateTimeOffset.UtcNow, writer, "forged-socks-signed")!, socksKey);
        await rogue.WritePolicyAsync(signedBySocks);
        await AssertNotEnforcedAsync(version + 1, untrusted: 2);
        Assert.True(Farm.Node(1).HasLine(t => t.Contains("not issued for role 'lighthouse'", StringComparison.Ordinal)), "node1 did not say why the socks-signed version is refused");

        // The arbiter ignores the forged register value and builds on the version the members enforce.
        await ApplyThroughNodeAsync(1, FarmPolicies.Block(Server.Endpoint.Port, revision: 1));
        await WaitAllNodesEnforceAsync(version + 1, nodes: [.. Enumerable.Range(1, Nodes)]);
        for (var node = 1; node <= Nodes; node++)
        {
            await AssertRefusedAsync(node);
        }
    }

    /// <summary>Waits until every node has counted <paramref name="untrusted"/> rejected values, then checks none enforced the forged version.</summary>
    private async Task AssertNotEnforcedAsync(long forgedVersion, int untrusted)
    {
        for (var node = 1; node <= Nodes; node++)
        {
            var deadline = Farm.Clock.Elapsed + Converge;
            double? counted = null;
            while (Farm.Clock.Elapsed < deadline)
            {
                Assert.False(Farm.Node(node).LatestPolicyVersion() >= forgedVersion, $"node{node} enforces the rogue's version {forgedVersion}");
                counted = MetricsText.Value(await Http.GetAsync(Farm.TelemetryUrl($"node{node}") + "/metrics"), "farm_policy_untrusted_versions_total");
                if (counted >= untrusted)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }

            Assert.True(counted == untrusted, $"node{node} counted {counted?.ToString() ?? "no"} untrusted policy values, expected {untrusted}");
            Assert.True(Farm.Node(node).LatestPolicyVersion() < forgedVersion, $"node{node} enforces the rogue's version {forgedVersion}");
            await AssertRefusedAsync(node);
        }
    }
}
