using System.Net;
using Farm.Shared.Net;

namespace Farm.Shared.Tests.Net;

/// <summary>Issue 17 review, item 9a: Host headers are parsed strictly, as host[:port] with a bracketed IPv6 address.</summary>
public sealed class HostHeaderTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", null)]
    [InlineData("127.0.0.1:9110", "127.0.0.1", 9110)]
    [InlineData("[::1]:9110", "::1", 9110)]
    [InlineData("[::1]", "::1", null)]
    [InlineData("[::ffff:127.0.0.1]:80", "::ffff:127.0.0.1", 80)]
    [InlineData("0.0.0.0:65535", "0.0.0.0", 65535)]
    public void Address_Parsed(string text, string address, int? port)
    {
        var host = HostHeader.Parse(text);

        Assert.NotNull(host);
        Assert.Equal(IPAddress.Parse(address), host.Address);
        Assert.Equal(port, host.Port);
    }

    [Theory]
    [InlineData("farm-admin.test:9110", 9110)]
    [InlineData("farm-admin.test.", null)]
    [InlineData("lighthouse", null)]
    [InlineData("a1.b-2.example:1", 1)]
    public void Name_Parsed(string text, int? port)
    {
        var host = HostHeader.Parse(text);

        Assert.NotNull(host);
        Assert.Null(host.Address);
        Assert.Equal(port, host.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":9110")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:9110:9110")]
    [InlineData("127.0.0.1:9110x")]
    [InlineData("127.0.0.1:+9110")]
    [InlineData("127.0.0.1:09110")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:999999")]
    [InlineData("127.0.0.1 :9110")]
    [InlineData("127.0.0.1 garbage")]
    [InlineData("user@127.0.0.1:9110")]
    [InlineData("127.0.0.1@evil.example")]
    [InlineData("127.1")]
    [InlineData("127.0.1")]
    [InlineData("2130706433")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("0177.0.0.1")]
    [InlineData("127.000.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("evil.example.0x7f")]
    [InlineData("::1")]
    [InlineData("[::1]9110")]
    [InlineData("[::1]:")]
    [InlineData("[::1%lo]:9110")]
    [InlineData("[127.0.0.1]:9110")]
    [InlineData("[::1")]
    [InlineData("-farm.test")]
    [InlineData("farm-.test")]
    [InlineData("farm..test")]
    [InlineData("farm_admin.test")]
    [InlineData("farm.test/path")]
    [InlineData("farm.test?x")]
    public void Malformed_Refused(string text) => Assert.Null(HostHeader.Parse(text));

    [Theory]
    [InlineData("127.0.0.1:9110", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("[::ffff:127.0.0.1]:9110", true)]
    [InlineData("127.0.0.1:9111", false)]
    [InlineData("127.0.0.2:9110", false)]
    [InlineData("farm-admin.test:9110", true)]
    [InlineData("FARM-ADMIN.test.", true)]
    [InlineData("other.test:9110", false)]
    [InlineData("127.1:9110", false)]
    public void OwnHosts_AddressReachedOrAllowedName(string host, bool accepted) =>
        Assert.Equal(accepted, new OwnHosts(["farm-admin.test"]).Accepts(host, new IPEndPoint(IPAddress.Loopback, 9110)));
}
