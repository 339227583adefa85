using System.Net;
using Farm.Shared.Discovery;

namespace Farm.Shared.Tests.Discovery;

public sealed class AdvertisedAddressTests
{
    [Fact]
    public void Concrete_SpecificBind_IsKept() =>
        Assert.Equal(IPEndPoint.Parse("127.0.0.11:1080"), AdvertisedAddress.Concrete(IPEndPoint.Parse("127.0.0.11:1080"), null, "127.0.0.1"));

    [Fact]
    public void Concrete_ConfiguredAddress_WinsWithTheBoundPort() =>
        Assert.Equal(IPEndPoint.Parse("203.0.113.7:1080"), AdvertisedAddress.Concrete(IPEndPoint.Parse("10.0.0.5:1080"), "203.0.113.7", "10.0.0.5"));

    [Fact]
    public void Concrete_Wildcard_TakesTheClusterAddress() =>
        Assert.Equal(IPEndPoint.Parse("10.0.0.5:1080"), AdvertisedAddress.Concrete(IPEndPoint.Parse("0.0.0.0:1080"), null, "10.0.0.5"));

    [Fact]
    public void Concrete_WildcardEverywhere_TakesAConcreteInterfaceAddress()
    {
        var endpoint = AdvertisedAddress.Concrete(IPEndPoint.Parse("0.0.0.0:1080"), null, "0.0.0.0");

        Assert.NotEqual(IPAddress.Any, endpoint.Address);
        Assert.Equal(1080, endpoint.Port);
    }
}
