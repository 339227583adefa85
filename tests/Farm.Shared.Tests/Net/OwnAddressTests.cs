using System.Net;
using Farm.Shared.Cluster;
using Farm.Shared.Net;

namespace Farm.Shared.Tests.Net;

public sealed class OwnAddressTests
{
    private static readonly IPAddress[] Container =
    [
        IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("fe80::42:acff:fe1c:b"), IPAddress.Parse("172.28.0.11"), IPAddress.Parse("fd00::11"),
    ];

    [Theory]
    [InlineData("0.0.0.0", "172.28.0.11")]
    [InlineData("::", "172.28.0.11")]
    public void Wildcard_AdvertisesTheFirstNonLoopbackAddress(string wildcard, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), OwnAddress.Choose(IPAddress.Parse(wildcard), Container));

    [Fact]
    public void Ipv6Wildcard_OnAnIpv6OnlyHost_AdvertisesItsGlobalAddress() =>
        Assert.Equal(IPAddress.Parse("fd00::11"), OwnAddress.Choose(IPAddress.IPv6Any, [IPAddress.IPv6Loopback, IPAddress.Parse("fe80::1"), IPAddress.Parse("fd00::11")]));

    [Fact]
    public void OnlyLoopback_HasNothingToAdvertise()
    {
        Assert.Null(OwnAddress.Choose(IPAddress.Any, [IPAddress.Loopback, IPAddress.IPv6Loopback]));
        Assert.Null(OwnAddress.Choose(IPAddress.Any, [IPAddress.Parse("fd00::11")]));
    }

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("lighthouse", false)]
    public void IsWildcard(string host, bool expected) => Assert.Equal(expected, OwnAddress.IsWildcard(host));

    [Fact]
    public void ClusterOptions_KeepAnExplicitPublicHostname_AndAConcreteBind()
    {
        Assert.Equal("lighthouse", new FarmClusterOptions { Hostname = "0.0.0.0", PublicHostname = "lighthouse" }.AdvertisedHostname);
        Assert.Equal("127.0.0.1", new FarmClusterOptions().AdvertisedHostname);
    }
}
