using System.Net;
using System.Text;
using Farm.Lighthouse.Discovery;
using Farm.Lighthouse.Tests.Dns;

namespace Farm.Lighthouse.Tests.Discovery;

public sealed class PrometheusServiceDiscoveryTests
{
    [Fact]
    public void Render_EveryMemberWithMetrics_OneGroupWithRoleAndNode()
    {
        var json = Encoding.UTF8.GetString(PrometheusServiceDiscovery.Render(Farms.ThreeNodes(unhealthy: 3)));

        Assert.Equal(
            """[{"targets":["127.0.0.11:9464"],"labels":{"role":"socks","node":"node-1"}},"""
            + """{"targets":["127.0.0.12:9464"],"labels":{"role":"socks","node":"node-2"}},"""
            + """{"targets":["127.0.0.13:9464"],"labels":{"role":"socks","node":"node-3"}},"""
            + """{"targets":["127.0.0.10:9464"],"labels":{"role":"lighthouse","node":"lighthouse-1"}}]""",
            json);
    }

    [Fact]
    public void Render_MemberWithoutMetrics_LeftOut() =>
        Assert.Equal("[]", Encoding.UTF8.GetString(PrometheusServiceDiscovery.Render([Farms.Node(1) with { Metrics = null }])));

    [Fact]
    public void Render_LostMember_FollowsTheMembersLabelledLost()
    {
        var lost = new LostScrapeTarget("node-4", "socks", IPEndPoint.Parse("127.0.0.14:9464"), DateTimeOffset.UnixEpoch);

        var json = Encoding.UTF8.GetString(PrometheusServiceDiscovery.Render([Farms.Node(1)], [lost]));

        Assert.Equal(
            """[{"targets":["127.0.0.11:9464"],"labels":{"role":"socks","node":"node-1"}},"""
            + """{"targets":["127.0.0.14:9464"],"labels":{"role":"socks","node":"node-4","member_state":"lost"}}]""",
            json);
    }
}
