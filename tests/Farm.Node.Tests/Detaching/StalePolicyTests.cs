using System.Net;
using Farm.Node.Detaching;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Node.Tests.Detaching;

/// <summary>A detached node's stale policy refuses every request and changes nothing before the request.</summary>
public sealed class StalePolicyTests
{
    private static readonly IPAddress Listener = IPAddress.Parse("10.1.0.10");

    private static readonly CompiledPolicy Last = CompiledPolicy.Compile(PolicyParser.Parse("""
        client pass from 10.0.0.0/8 name inside
        client block from any name outside
        pass connect from 10.0.0.0/8 to any port 80, 443 name web
        """ + "\n").Document!);

    [Fact]
    public void StalePolicy_RequestTheLastPolicyPassed_RefusedByTheStalePolicyRule()
    {
        var request = new PolicyRequest(SocksCommand.Connect, IPAddress.Parse("10.1.2.3"), Listener, null, IPAddress.Parse("93.184.216.34"), 443, AuthMethod.None, null);
        Assert.Equal(PolicyAction.Pass, Last.Decide(request).Action);

        var decision = StalePolicy.From(Last).Decide(request);

        Assert.Equal(PolicyAction.Block, decision.Action);
        Assert.Equal(StalePolicy.RuleName, decision.Rule?.Id);
    }

    [Fact]
    public void StalePolicy_ClientRulesAndLoginMethods_AsInTheLastPolicy()
    {
        var stale = StalePolicy.From(Last);
        var inside = IPAddress.Parse("10.1.2.3");
        var outside = IPAddress.Parse("192.0.2.7");

        Assert.Equal(PolicyAction.Pass, stale.DecideClient(inside, Listener).Action);
        Assert.Equal(PolicyAction.Block, stale.DecideClient(outside, Listener).Action);
        Assert.Equal(Last.AuthFor(inside, Listener), stale.AuthFor(inside, Listener));
        Assert.NotEqual(AuthRequirement.None, stale.AuthFor(inside, Listener));
    }
}
