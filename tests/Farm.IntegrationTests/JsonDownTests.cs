using Farm.IntegrationTests.Rogues;
using Farm.IntegrationTests.Support;
using Farm.Shared.Cluster.Tls;
using Farm.Tests.Shared;
using Xunit.Abstractions;

namespace Farm.IntegrationTests;

/// <summary>
/// Issue 17, outsider review att17c: a member holding a farm certificate for role <c>socks</c> binds Akka's
/// cluster Down to Akka's JSON serializer, where the inbound check looked for the cluster serializer's manifest
/// only, and sends Down(node1) to the lighthouse's cluster daemon. The lighthouse closes the connection and says
/// why; node1 stays Up and serves.
/// </summary>
public sealed class JsonDownTests(ITestOutputHelper output) : ClusterTestBase(output)
{
    [Fact]
    public async Task SocksMember_SendsDownInJson_LighthouseRefusesIt_AndTheNodeStaysUpAndServes()
    {
        await Farm.StartAllAsync(FarmPolicies.Allow(Server.Endpoint.Port), nodes: 1);
        var lighthouse = Farm.Lighthouse!;
        var victim = Farm.ClusterAddress(1);

        await using var rogue = await RogueClusterMember.JoinAsync(Farm.LighthouseAddress, TestCertificates.FarmSocksOnly, RogueClusterMember.DownInJson);
        Assert.Equal(MemberSerializers.Json, rogue.DownSerializer());
        var mark = lighthouse.LineCount;
        rogue.SendDown(Farm.LighthouseAddress, victim);

        // Before the fix the lighthouse took the Down: node1 went Down and was removed, and no refusal was logged.
        var seen = await lighthouse.WaitForLineAsync(
            t => t.Contains("refused the connection", StringComparison.Ordinal) || t.Contains($"member {victim} [socks] is Down", StringComparison.Ordinal) || t.Contains($"member {victim} [socks] is Removed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            mark);
        Assert.Contains("cluster TLS: refused the connection from ", seen.Text, StringComparison.Ordinal);
        Assert.Contains("it sent a message in Akka's JSON serializer (id 1), which members never use between them", seen.Text, StringComparison.Ordinal);
        var metrics = await Http.GetAsync(Farm.TelemetryUrl(FarmHarness.LighthouseName) + "/metrics");
        Assert.True(MetricsText.Value(metrics, "farm_cluster_inbound_refused_total", "reason=\"serializer\"") >= 1, "the lighthouse did not count the refused connection in farm_cluster_inbound_refused_total{reason=\"serializer\"}");

        await AssertAllowedAsync(1);
        Assert.False(lighthouse.HasLine(t => t.Contains($"member {victim} [socks] is", StringComparison.Ordinal) && !t.Contains("is Up", StringComparison.Ordinal) && !t.Contains("is Joining", StringComparison.Ordinal)), "the lighthouse saw node1 leave Up");
    }
}
