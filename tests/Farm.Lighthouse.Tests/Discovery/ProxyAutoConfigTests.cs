using Farm.Lighthouse.Discovery;
using Farm.Lighthouse.Tests.Dns;

namespace Farm.Lighthouse.Tests.Discovery;

public sealed class ProxyAutoConfigTests
{
    [Fact]
    public void Render_HealthyNodes_RotatesPerRequest_NeverDirect()
    {
        var pac = new ProxyAutoConfig();
        var nodes = Farms.ThreeNodes();

        var first = pac.Render(nodes, "socks.farm.test:1080");
        var second = pac.Render(nodes, "socks.farm.test:1080");

        Assert.Contains("return \"SOCKS5 127.0.0.11:1080; SOCKS5 127.0.0.12:1080; SOCKS5 127.0.0.13:1080\";", first, StringComparison.Ordinal);
        Assert.Contains("return \"SOCKS5 127.0.0.12:1080; SOCKS5 127.0.0.13:1080; SOCKS5 127.0.0.11:1080\";", second, StringComparison.Ordinal);
        Assert.DoesNotContain("DIRECT", first + second, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnhealthyNodeLeftOut()
    {
        var pac = new ProxyAutoConfig().Render(Farms.ThreeNodes(unhealthy: 2), "socks.farm.test:1080");

        Assert.DoesNotContain("127.0.0.12", pac, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoHealthyNode_FailsClosedOnTheFarmName()
    {
        var pac = new ProxyAutoConfig().Render([Farms.Node(1, healthy: false)], "socks.farm.test:1080");

        Assert.Contains("return \"SOCKS5 socks.farm.test:1080\";", pac, StringComparison.Ordinal);
    }
}
