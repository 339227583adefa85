using Farm.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

public sealed class PolicyReplicationTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const int Applies = 20;

    [Fact]
    public async Task Farm_PolicyAppliedOnNode1_EnforcedByNode3_ConvergesWithinASecond()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        foreach (var member in new[] { Farm.Lighthouse! }.Concat(Enumerable.Range(1, 3).Select(Farm.Node)))
        {
            Assert.False(member.HasExited, $"{member.Name} exited");
        }

        await AssertAllowedAsync(3);
        var version = Farm.Node(1).LatestPolicyVersion();

        await ApplyThroughNodeAsync(1, FarmPolicies.Block(Server.Endpoint.Port));
        version++;
        await WaitAllNodesEnforceAsync(version);
        await AssertRefusedAsync(3);

        var samples = new List<TimeSpan>();
        for (var i = 1; i <= Applies; i++)
        {
            var policy = i % 2 == 1 ? FarmPolicies.Allow(Server.Endpoint.Port, i) : FarmPolicies.Block(Server.Endpoint.Port, i);
            await File.WriteAllTextAsync(Farm.PolicyFile(1), policy);
            var lines = Enumerable.Range(1, 3).Select(n => Farm.Node(n).LineCount).ToArray();
            var sent = Farm.Clock.Elapsed;
            Farm.Node(1).Hangup();
            version++;
            var seen = await Task.WhenAll(Enumerable.Range(1, 3).Select(n => Farm.Node(n).WaitForPolicyAsync(version, Converge, lines[n - 1])));
            Assert.All(seen, s => Assert.Equal(version, s.Version));
            samples.Add(seen.Max(s => s.Line.At) - sent);
        }

        var sorted = samples.Order().ToList();
        var median = (sorted[(Applies / 2) - 1] + sorted[Applies / 2]) / 2;
        Output.WriteLine($"apply on node 1 -> enforced on all 3 nodes, {Applies} applies: median {median.TotalMilliseconds:0} ms, worst {sorted[^1].TotalMilliseconds:0} ms, best {sorted[0].TotalMilliseconds:0} ms");
        Output.WriteLine("samples (ms): " + string.Join(", ", samples.Select(s => s.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.True(median < TimeSpan.FromSeconds(1), $"median {median.TotalMilliseconds} ms");

        // The last sample applied Block (20 is even): node 3 refuses again.
        await AssertRefusedAsync(3);
    }

    [Fact]
    public async Task InvalidPolicy_AppliedOnAnyNode_LeavesEveryNodeOnThePreviousVersion()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port));
        await ApplyThroughNodeAsync(2, FarmPolicies.Block(Server.Endpoint.Port));
        var version = Farm.Node(2).LatestPolicyVersion() + 1;
        await WaitAllNodesEnforceAsync(version);

        var node2Lines = Farm.Node(2).LineCount;
        await ApplyThroughNodeAsync(2, FarmPolicies.Invalid);
        var refusal = await Farm.Node(2).WaitForLineAsync(t => t.Contains("refused", StringComparison.Ordinal), Converge, node2Lines);
        Assert.Contains(":3:1:", refusal.Text, StringComparison.Ordinal);

        // Give gossip time it would need to spread a change, then check nothing moved anywhere.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        foreach (var node in Enumerable.Range(1, 3))
        {
            Assert.Equal(version, Farm.Node(node).LatestPolicyVersion());
            await AssertRefusedAsync(node);
        }
    }
}
