using System.Net;
using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Policy;

/// <summary>
/// The steps of <see cref="DecisionProcedure"/> around the request (client rule, auth, limits, BIND peer, the
/// route of a name still to resolve), and <c>policy test</c> reporting them as the node meets them.
/// </summary>
public class DecisionStepsTests
{
    private static readonly IPAddress Listener = IPAddress.Parse("10.1.0.10");

    private static readonly string Text =
        $"""
        client block from 10.9.0.0/16 name quarantine
        client pass from 10.0.0.0/8 name inside
        user alice {TestHashes.Alice}
        group staff alice
        pass connect from 10.2.0.0/16 to any port 443 user alice name alice-web
        pass connect from 10.0.0.0/8 to any port 443 name web
        route to *.partner.test via egress 10.1.0.11
        limit user alice sessions 2
        limit group staff sessions 3
        limit from 10.3.0.0/16 sessions 5
        """;

    private static readonly CompiledPolicy Policy = CompiledPolicy.Compile(TestHashes.Parse(Text));

    private static PolicyRequest Request(string client, string? user = null, string host = "www.example.test", SocksCommand command = SocksCommand.Connect) =>
        new(command, IPAddress.Parse(client), Listener, host, null, 443, user is null ? AuthMethod.None : AuthMethod.Password, user);

    [Theory]
    [InlineData("10.9.1.1", PolicyAction.Block, "quarantine")]
    [InlineData("::ffff:10.9.1.1", PolicyAction.Block, "quarantine")]
    [InlineData("10.2.3.4", PolicyAction.Pass, "inside")]
    [InlineData("192.0.2.7", PolicyAction.Block, null)]
    public void OnClient_FirstMatchingClientRule_OrTheDefaultBlock(string client, PolicyAction action, string? rule)
    {
        var decision = DecisionProcedure.OnClient(Policy, IPAddress.Parse(client), Listener);

        Assert.Equal((action, rule), (decision.Action, decision.Rule?.Id));
    }

    [Fact]
    public void OnAuth_MethodsOfThePassRulesThatApplyToTheSource()
    {
        Assert.Equal(AuthRequirement.NoneAccepted | AuthRequirement.PasswordAccepted, DecisionProcedure.OnAuth(Policy, IPAddress.Parse("10.2.3.4"), Listener));
        Assert.Equal(AuthRequirement.None, DecisionProcedure.OnAuth(Policy, IPAddress.Parse("192.0.2.7"), Listener));
    }

    [Fact]
    public void OnLogin_PrincipalNoPassRuleCanApplyTo_NotAdmitted()
    {
        var policy = CompiledPolicy.Compile(TestHashes.Parse("pass realm FARM.TEST"));

        Assert.True(DecisionProcedure.OnLogin(policy, IPAddress.Parse("10.2.3.4"), Listener, AuthMethod.Gssapi, "carol@FARM.TEST"));
        Assert.False(DecisionProcedure.OnLogin(policy, IPAddress.Parse("10.2.3.4"), Listener, AuthMethod.Gssapi, "mallory@EVIL.TEST"));
    }

    [Fact]
    public void OnLimits_WithoutCounts_TheLimitsCoveringUserGroupAndSource_NoneFull()
    {
        var verdict = DecisionProcedure.OnLimits(Policy, Request("10.3.0.1", "alice"));

        Assert.Equal([8, 9, 10], verdict.Applicable.Select(l => l.Line));
        Assert.False(verdict.Refused);
    }

    [Fact]
    public void OnLimits_NothingCovers_TheSharedEmptyVerdict()
    {
        Assert.Same(LimitVerdict.None, DecisionProcedure.OnLimits(Policy, Request("10.2.0.1")));
    }

    [Fact]
    public void OnLimits_WithCounts_FirstLimitAlreadyAtItsMaximumIsFull()
    {
        var open = new Dictionary<string, int>(StringComparer.Ordinal) { ["user alice"] = 1, ["group staff"] = 3 };

        var verdict = DecisionProcedure.OnLimits(Policy, Request("10.2.0.1", "alice"), subject => open.GetValueOrDefault(subject.ToString()));

        Assert.True(verdict.Refused);
        Assert.Equal("limit line 9", LimitVerdict.RuleOf(verdict.Full!));
    }

    [Fact]
    public void OnPeer_DecidesThePeerAsTheDestination()
    {
        var policy = CompiledPolicy.Compile(TestHashes.Parse("pass bind to 192.0.2.0/24 name ftp"));
        var request = new PolicyRequest(SocksCommand.Bind, IPAddress.Parse("10.2.0.1"), Listener, null, IPAddress.Parse("192.0.2.1"), 21, AuthMethod.None, null);

        Assert.Equal("ftp", DecisionProcedure.OnPeer(policy, request, IPAddress.Parse("::ffff:192.0.2.9")).Rule?.Id);
        Assert.Equal(PolicyAction.Block, DecisionProcedure.OnPeer(policy, request, IPAddress.Parse("198.51.100.1")).Action);
    }

    [Fact]
    public void OnRequest_NameToResolve_CarriesTheRouteOfTheNameAlone()
    {
        var verdict = DecisionProcedure.OnRequest(Policy, Request("10.2.0.1", host: "db.partner.test"));

        Assert.Equal(RequestStep.Resolve, verdict.Step);
        Assert.Equal(7, verdict.Route.Rule?.Line);
        Assert.IsType<EgressRoute>(verdict.Route.Target);
    }

    [Fact]
    public void PolicyTest_UserAtTheLimitOnTheNode_BlockedByTheLimit_AfterTheRequestStep()
    {
        var result = PolicyTester.Run(Policy, 1, Text, new PolicyTestRequest("10.2.0.1", "alice", null, "www.example.test:443", "connect"), Listener, openSessions: s => s is UserSubject ? 2 : 0);

        Assert.Equal(("block", "limit line 8"), (result.Verdict, result.DecidingRule));
        Assert.Equal(["client", "auth", "request", "limit"], result.Steps.Select(s => s.Stage));
        Assert.Equal(("block", 8), (result.Steps[^1].Result, result.Steps[^1].Line));
        Assert.Contains("user alice has 2 of 2 sessions open on this node", result.Steps[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyTest_UserUnderItsLimits_PassesWithALimitStepForEach()
    {
        var result = PolicyTester.Run(Policy, 1, Text, new PolicyTestRequest("10.2.0.1", "alice", null, "192.0.2.1:443", "connect"), Listener, openSessions: _ => 1);

        Assert.Equal(("pass", "alice-web"), (result.Verdict, result.DecidingRule));
        Assert.Equal(["client", "auth", "request", "limit", "limit", "route"], result.Steps.Select(s => s.Stage));
        Assert.All(result.Steps.Where(s => s.Stage == "limit"), s => Assert.Equal("pass", s.Result));
    }

    [Fact]
    public void PolicyTest_WithoutCounts_SaysWhichLimitsApply()
    {
        var result = PolicyTester.Run(Policy, 1, Text, new PolicyTestRequest("10.3.0.1", null, null, "192.0.2.1:443", "connect"), Listener);

        var limit = Assert.Single(result.Steps, s => s.Stage == "limit");
        Assert.Equal(("applies", "limit line 10"), (limit.Result, limit.Rule));
        Assert.Equal("pass", result.Verdict);
    }

    [Fact]
    public void PolicyTest_NoLimitCovers_NoLimitStep()
    {
        var result = PolicyTester.Run(Policy, 1, Text, new PolicyTestRequest("10.2.0.1", null, null, "192.0.2.1:443", "connect"), Listener, openSessions: _ => 100);

        Assert.DoesNotContain(result.Steps, s => s.Stage == "limit");
        Assert.Equal(("pass", "web"), (result.Verdict, result.DecidingRule));
    }
}
