using System.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Policy;

public class DefaultPolicyTests
{
    private static readonly CompiledPolicy Policy =
        CompiledPolicy.Compile(TestHashes.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Policy", "default.policy"))));

    private static RequestDecision Decide(string address, int port = 443, SocksCommand command = SocksCommand.Connect) =>
        Policy.Decide(new PolicyRequest(command, IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.0.10"), null, IPAddress.Parse(address), port, AuthMethod.None, null));

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("224.0.0.251")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:192.168.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("64:ff9b:1::1")]
    [InlineData("::127.0.0.1")]
    [InlineData("::a00:1")]
    [InlineData("::8.8.8.8")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2002:a00:1::1")]
    [InlineData("2002:5db8:d822::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")]
    [InlineData("fec0::1")]
    [InlineData("::ffff:0:7f00:1")]
    [InlineData("::ffff:0:a00:1")]
    [InlineData("2001::1")]
    [InlineData("192.0.0.8")]
    [InlineData("192.0.2.1")]
    [InlineData("192.88.99.1")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.254")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.254")]
    [InlineData("100::1")]
    [InlineData("2001:2::1")]
    [InlineData("2001:10::1")]
    [InlineData("2001:20::1")]
    [InlineData("2001:db8::1")]
    [InlineData("3fff::1")]
    [InlineData("5f00::1")]
    [InlineData("ff0e::1")]
    public void Default_ForbiddenDestination_IsBlockedByARule(string address)
    {
        var decision = Decide(address);

        Assert.Equal(PolicyAction.Block, decision.Action);
        Assert.NotNull(decision.Rule);
    }

    [Theory]
    [InlineData(9110)]
    [InlineData(9464)]
    public void Default_FarmPorts_AreBlockedEverywhere(int port) =>
        Assert.Equal("farm-ports", Decide("93.184.216.34", port).Rule?.Id);

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("::ffff:93.184.216.34")]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946")]
    [InlineData("198.17.255.1")]
    [InlineData("198.20.0.1")]
    [InlineData("2001:3::1")]
    [InlineData("2001:4:112::1")]
    public void Default_PublicAddress_Passes(string address) =>
        Assert.Equal(new RequestDecision(PolicyAction.Pass, new PolicyRuleInfo(42, "outbound", PolicyLogLevel.None)), Decide(address));

    [Fact]
    public void Default_Bind_IsOff() => Assert.Equal(PolicyAction.Block, Decide("93.184.216.34", 21, SocksCommand.Bind).Action);

    [Fact]
    public void Default_Udp_OnlyDns()
    {
        Assert.Equal("dns", Decide("9.9.9.9", 53, SocksCommand.UdpAssociate).Rule?.Id);
        Assert.Equal(PolicyAction.Block, Decide("9.9.9.9", 123, SocksCommand.UdpAssociate).Action);
    }

    [Theory]
    [InlineData("127.0.0.1", PolicyAction.Pass)]
    [InlineData("::1", PolicyAction.Pass)]
    [InlineData("10.9.8.7", PolicyAction.Pass)]
    [InlineData("::ffff:192.168.5.5", PolicyAction.Pass)]
    [InlineData("172.20.0.1", PolicyAction.Pass)]
    [InlineData("8.8.8.8", PolicyAction.Block)]
    [InlineData("2001:db8::1", PolicyAction.Block)]
    public void Default_Clients_OnlyLocalAndPrivateSources(string client, PolicyAction expected) =>
        Assert.Equal(expected, Policy.DecideClient(IPAddress.Parse(client), IPAddress.Parse("10.1.0.10")).Action);

    [Fact]
    public void Default_NoUsers_OffersNoAuthOnly() =>
        Assert.Equal(AuthRequirement.NoneAccepted, Policy.AuthFor(IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.0.10")));
}
