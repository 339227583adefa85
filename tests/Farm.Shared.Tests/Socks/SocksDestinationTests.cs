using System.Net;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Socks;

public class SocksDestinationTests
{
    [Theory]
    [InlineData("1.2.3.4", 80, "1.2.3.4:80")]
    [InlineData("::1", 80, "[::1]:80")]
    [InlineData("2001:db8::5", 1080, "[2001:db8::5]:1080")]
    public void ToString_Address_HostPortForm(string address, ushort port, string expected) =>
        Assert.Equal(expected, SocksDestination.FromAddress(IPAddress.Parse(address), port).ToString());

    [Fact]
    public void ToString_Host_NamePortForm() => Assert.Equal("example.com:443", SocksDestination.FromHost("example.com", 443).ToString());

    [Fact]
    public void ToString_HostThatIsIPv6Literal_Bracketed() => Assert.Equal("[::1]:22", SocksDestination.FromHost("::1", 22).ToString());

    [Fact]
    public void FromAddress_Address_NotHost()
    {
        var destination = SocksDestination.FromAddress(IPAddress.Loopback, 80);
        Assert.False(destination.IsHost);
        Assert.Equal(IPAddress.Loopback, destination.Address);
        Assert.Null(destination.Host);
        Assert.Equal(80, destination.Port);
    }

    [Fact]
    public void FromHost_Host_IsHost()
    {
        var destination = SocksDestination.FromHost("example.com", 443);
        Assert.True(destination.IsHost);
        Assert.Null(destination.Address);
        Assert.Equal("example.com", destination.Host);
    }

    [Fact]
    public void Equality_SameAddressDifferentInstances_Equal() =>
        Assert.Equal(SocksDestination.FromAddress(IPAddress.Parse("10.0.0.1"), 1), SocksDestination.FromAddress(IPAddress.Parse("10.0.0.1"), 1));

    [Fact]
    public void FromAddress_Null_Throws() => Assert.Throws<ArgumentNullException>(() => SocksDestination.FromAddress(null!, 1));

    [Fact]
    public void FromHost_Null_Throws() => Assert.Throws<ArgumentNullException>(() => SocksDestination.FromHost(null!, 1));
}
