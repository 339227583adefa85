using System.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Policy;

/// <summary>The pure steps that the node and <c>policy test</c> share.</summary>
public class DecisionProcedureTests
{
    private static readonly CompiledPolicy Policy = CompiledPolicy.Compile(TestHashes.Parse(
        """
        client pass from 10.0.0.0/8
        block connect to blocked.partner.test name no-blocked
        pass connect to open.partner.test port 22 name partner-open
        pass connect to 192.0.2.1 name one-address
        pass bind to ftp.example.test name ftp
        pass udp from 10.0.0.0/8 to any port 53 name dns
        route to *.partner.test via socks5 127.0.0.1:1080 user farm password s3cret
        """));

    private static PolicyRequest Request(SocksCommand command, string? host, string? address = null, string client = "10.1.2.3", int port = 22) =>
        new(command, IPAddress.Parse(client), IPAddress.Parse("10.1.0.10"), host, address is null ? null : IPAddress.Parse(address), port, AuthMethod.None, null);

    [Theory]
    [InlineData("secret.partner.test", RequestStep.Refuse, VerdictReason.NameNotPassedForUpstream)]
    [InlineData("Secret.PARTNER.test.", RequestStep.Refuse, VerdictReason.NameNotPassedForUpstream)]
    [InlineData("blocked.partner.test", RequestStep.Refuse, VerdictReason.NameBlocked)]
    [InlineData("open.partner.test", RequestStep.Forward, VerdictReason.NamePassedForUpstream)]
    [InlineData("www.example.test", RequestStep.Resolve, VerdictReason.NameNeedsAddresses)]
    public void OnRequest_ConnectToName(string host, RequestStep step, VerdictReason reason)
    {
        var verdict = DecisionProcedure.OnRequest(Policy, Request(SocksCommand.Connect, host));

        Assert.Equal((step, reason), (verdict.Step, verdict.Reason));
    }

    [Fact]
    public void OnResolved_SomeAddressesRefused_ProceedsWithThePermittedOnly()
    {
        var verdict = DecisionProcedure.OnResolved(Policy, Request(SocksCommand.Connect, "www.example.test"), [IPAddress.Parse("10.9.9.9"), IPAddress.Parse("::ffff:192.0.2.1")]);

        Assert.Equal(RequestStep.Proceed, verdict.Step);
        Assert.Equal([IPAddress.Parse("192.0.2.1")], verdict.Permitted);
        Assert.Equal("one-address", verdict.Decision.Rule?.Id);
    }

    /// <summary>
    /// Outsider review of issue 16: a name resolving to an unrouted address first and to an address a route
    /// sends upstream second was dialed direct on both, carrying the routed address past its route.
    /// </summary>
    [Fact]
    public void OnResolved_AddressesOnDifferentRoutes_OnlyThoseOnTheChosenRouteAreDialed()
    {
        var policy = CompiledPolicy.Compile(TestHashes.Parse(
            """
            client pass from 127.0.0.0/8
            pass connect to 127.0.0.0/8 port 40100
            route to 127.0.0.3 via socks5 127.0.0.1:40200
            """));
        var request = Request(SocksCommand.Connect, "multi.test", client: "127.0.0.1", port: 40100);

        var unroutedFirst = DecisionProcedure.OnResolved(policy, request, [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")]);
        var routedFirst = DecisionProcedure.OnResolved(policy, request, [IPAddress.Parse("127.0.0.3"), IPAddress.Parse("127.0.0.2")]);

        Assert.IsType<DirectRoute>(unroutedFirst.Route.Target);
        Assert.Equal([IPAddress.Parse("127.0.0.2")], unroutedFirst.Permitted);
        Assert.IsType<UpstreamRoute>(routedFirst.Route.Target);
        Assert.Equal([IPAddress.Parse("127.0.0.3")], routedFirst.Permitted);
    }

    [Fact]
    public void OnResolved_BindNameWithoutBindRuleForItsAddresses_Refused()
    {
        var first = DecisionProcedure.OnRequest(Policy, Request(SocksCommand.Bind, "other.example.test"));
        var second = DecisionProcedure.OnResolved(Policy, Request(SocksCommand.Bind, "other.example.test"), [IPAddress.Parse("192.0.2.1")]);

        Assert.Equal((RequestStep.Refuse, VerdictReason.NoRuleCanPassName), (first.Step, first.Reason));
        Assert.Equal((RequestStep.Refuse, VerdictReason.NoAddressPermitted), (second.Step, second.Reason));
    }

    /// <summary>
    /// Resolving is traffic the client chooses (DNS exfiltration, probing): a name that no pass rule could
    /// let through, on the name or on any address, is refused before it is resolved.
    /// </summary>
    [Theory]
    [InlineData(SocksCommand.Connect, "www.example.test", 22, "10.1.2.3", RequestStep.Resolve, VerdictReason.NameNeedsAddresses)]
    [InlineData(SocksCommand.Bind, "ftp.example.test", 21, "10.1.2.3", RequestStep.Resolve, VerdictReason.NameNeedsAddresses)]
    [InlineData(SocksCommand.Bind, "data-to-leak.evil.test", 21, "10.1.2.3", RequestStep.Refuse, VerdictReason.NoRuleCanPassName)]
    [InlineData(SocksCommand.UdpAssociate, "data-to-leak.evil.test", 53, "10.1.2.3", RequestStep.Resolve, VerdictReason.NameNeedsAddresses)]
    [InlineData(SocksCommand.UdpAssociate, "data-to-leak.evil.test", 54, "10.1.2.3", RequestStep.Refuse, VerdictReason.NoRuleCanPassName)]
    public void OnDestination_NameNoPassRuleCouldMatch_RefusedBeforeResolving(SocksCommand command, string host, int port, string client, RequestStep step, VerdictReason reason)
    {
        var verdict = DecisionProcedure.OnDestination(Policy, Request(command, host, client: client, port: port));

        Assert.Equal((step, reason), (verdict.Step, verdict.Reason));
    }

    [Theory]
    [InlineData("none", RequestStep.Refuse)]
    [InlineData("alice", RequestStep.Resolve)]
    public void OnDestination_OnlyAPasswordRuleCouldPass_ResolvedOnlyForALogin(string user, RequestStep step)
    {
        var policy = CompiledPolicy.Compile(TestHashes.Parse(
            """
            client pass from 10.0.0.0/8
            pass connect to 192.0.2.0/24 auth password name logged-in
            """));
        var request = Request(SocksCommand.Connect, "www.example.test") with
        {
            Auth = user == "none" ? AuthMethod.None : AuthMethod.Password,
            User = user == "none" ? null : user,
        };

        Assert.Equal(step, DecisionProcedure.OnDestination(policy, request).Step);
    }

    [Theory]
    [InlineData("10.1.2.3", RequestStep.Associate)]
    [InlineData("11.1.2.3", RequestStep.Refuse)]
    public void OnRequest_Associate_NeedsAUdpPassRuleForTheSource(string client, RequestStep step)
    {
        var verdict = DecisionProcedure.OnRequest(Policy, Request(SocksCommand.UdpAssociate, null, "0.0.0.0", client, 0));

        Assert.Equal(step, verdict.Step);
    }
}
