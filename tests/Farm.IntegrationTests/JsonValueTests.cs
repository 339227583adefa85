using Akka.DistributedData;
using Farm.IntegrationTests.Rogues;
using Farm.IntegrationTests.Support;
using Farm.Shared.Cluster.Tls;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17: a member holding a farm certificate for role <c>socks</c> writes, through its replicator, a value
/// in Akka's JSON serializer. Distributed Data's message (serializer 12) passes the inbound check, and Akka reads
/// the value inside it in whatever serializer the sender names; the members refuse JSON there, say why, and the
/// farm keeps serving.
/// </summary>
public sealed class JsonValueTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    private const string Refusal = "cluster: refused a value in Akka's JSON serializer (id 1) from another member";

    [Fact]
    public async Task SocksMember_WritesAValueInJson_MembersRefuseToReadIt_AndTheFarmServes()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port), nodes: 1);
        var lighthouse = Farm.Lighthouse!;
        var node = Farm.Node(1);

        await using var rogue = await RogueClusterMember.JoinAsync(Farm.LighthouseAddress, TestCertificates.FarmSocksOnly);
        List<string> value = ["built", "by", "every", "member"];
        Assert.Equal(MemberSerializers.Json, rogue.SerializerOf(value));
        var (lighthouseMark, nodeMark) = (lighthouse.LineCount, node.LineCount);

        // Before the fix every member read the value and acknowledged the write: UpdateSuccess, and no refusal logged.
        var written = await rogue.WriteJsonValueAsync("rogue-json", value, replicas: 3);
        Assert.False(written is UpdateSuccess, "every member read the JSON value and acknowledged the write");

        foreach (var (member, mark) in new[] { (lighthouse, lighthouseMark), (node, nodeMark) })
        {
            await member.WaitForLineAsync(t => t.Contains(Refusal, StringComparison.Ordinal), TimeSpan.FromSeconds(30), mark);
        }

        var metrics = await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/metrics");
        Assert.True(MetricsText.Value(metrics, "farm_cluster_inbound_refused_total", "reason=\"json\"") >= 1, "the lighthouse did not count the refused value in farm_cluster_inbound_refused_total{reason=\"json\"}");

        await AssertAllowedAsync(1);
    }
}
