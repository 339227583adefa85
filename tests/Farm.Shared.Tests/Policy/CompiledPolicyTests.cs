using System.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Policy;

public class CompiledPolicyTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.1.2.3");
    private static readonly IPAddress Listener = IPAddress.Parse("10.1.0.10");

    private static CompiledPolicy Compile(string text) => CompiledPolicy.Compile(TestHashes.Parse(text));

    private static PolicyRequest Request(
        string? host = null,
        string? address = null,
        int port = 443,
        SocksCommand command = SocksCommand.Connect,
        string? client = null,
        string? listener = null,
        string? user = null) =>
        new(
            command,
            client is null ? Client : IPAddress.Parse(client),
            listener is null ? Listener : IPAddress.Parse(listener),
            host,
            address is null ? null : IPAddress.Parse(address),
            port,
            user is null ? AuthMethod.None : AuthMethod.Password,
            user);

    private static string? Outcome(CompiledPolicy policy, PolicyRequest request)
    {
        var decision = policy.Decide(request);
        return decision.Rule is null ? null : $"{decision.Action} {decision.Rule.Id}";
    }

    private static readonly string Users = $"""
        user alice {TestHashes.Alice}
        user bob {TestHashes.Bob}
        group staff alice
        """;

    [Fact]
    public void Decide_FirstMatchWins_AndNothingMatchedIsBlockWithoutRule()
    {
        var policy = Compile("""
            block connect to 10.0.0.0/8 name internal log warning
            pass connect to 10.0.0.0/8, 1.1.1.1
            pass connect to any port 443
            """);

        Assert.Equal(new RequestDecision(PolicyAction.Block, new PolicyRuleInfo(1, "internal", PolicyLogLevel.Warning)), policy.Decide(Request(address: "10.9.9.9")));
        Assert.Equal("Pass line 2", Outcome(policy, Request(address: "1.1.1.1", port: 80)));
        Assert.Equal("Pass line 3", Outcome(policy, Request(address: "8.8.8.8")));
        Assert.Equal(new RequestDecision(PolicyAction.Block, null), policy.Decide(Request(address: "8.8.8.8", port: 80)));
    }

    [Theory]
    [InlineData(SocksCommand.Connect, "Pass line 1")]
    [InlineData(SocksCommand.Bind, "Pass line 2")]
    [InlineData(SocksCommand.UdpAssociate, "Block line 3")]
    [InlineData((SocksCommand)9, null)]
    public void Decide_Command_SelectsRules(SocksCommand command, string? expected)
    {
        var policy = Compile("pass connect\npass bind, udp port 21\nblock udp");

        Assert.Equal(expected, Outcome(policy, Request(address: "1.2.3.4", port: command == SocksCommand.Bind ? 21 : 443, command: command)));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("5.6.7.8", "Pass line 2")]
    [InlineData("10.0.0.1", "Block line 1")]
    public void Decide_AddressOnlyRule_SkipsUnresolvedName(string? address, string? expected)
    {
        var policy = Compile("block to 10.0.0.0/8\npass to 5.6.7.8");

        Assert.Equal(expected, Outcome(policy, Request(host: "www.example.com", address: address)));
    }

    [Theory]
    [InlineData("example.org", null)]
    [InlineData("www.example.org", "Pass line 1")]
    [InlineData("A.B.Example.ORG.", "Pass line 1")]
    [InlineData("badexample.org", null)]
    [InlineData("example.com", "Pass line 1")]
    [InlineData("EXAMPLE.COM.", "Pass line 1")]
    [InlineData("www.example.com", null)]
    public void Decide_HostPatterns_MatchNamesOnly(string host, string? expected)
    {
        var policy = Compile("pass to *.example.org, example.com");

        Assert.Equal(expected, Outcome(policy, Request(host: host)));
        Assert.Null(Outcome(policy, Request(address: "93.184.216.34")));
    }

    [Fact]
    public void Decide_AnyDestination_MatchesNameOrAddress()
    {
        var policy = Compile("pass to any");

        Assert.Equal("Pass line 1", Outcome(policy, Request(host: "x.test")));
        Assert.Equal("Pass line 1", Outcome(policy, Request(address: "2001:db8::1")));
    }

    [Theory]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Decide_MappedDestination_IsCaughtByIpv4Rule(string address)
    {
        var policy = Compile("block to 10.0.0.0/8, 127.0.0.0/8\npass to any");

        Assert.Equal("Block line 1", Outcome(policy, Request(address: address)));
    }

    [Fact]
    public void Decide_MappedClientAndListener_AreFoldedToIpv4()
    {
        var policy = Compile("pass from 10.0.0.0/8 on 10.1.0.10");

        Assert.Equal("Pass line 1", Outcome(policy, Request(address: "1.1.1.1", client: "::ffff:10.9.9.9", listener: "::ffff:10.1.0.10")));
        Assert.Null(Outcome(policy, Request(address: "1.1.1.1", listener: "10.1.0.11")));
        Assert.Null(Outcome(policy, Request(address: "1.1.1.1", client: "11.0.0.1")));
    }

    [Theory]
    [InlineData(79, null)]
    [InlineData(80, "Pass line 1")]
    [InlineData(1000, "Pass line 1")]
    [InlineData(1500, "Pass line 1")]
    [InlineData(2000, "Pass line 1")]
    [InlineData(2001, null)]
    public void Decide_Ports_MatchListsAndRanges(int port, string? expected) =>
        Assert.Equal(expected, Outcome(Compile("pass to any port 80, 1000-2000"), Request(address: "1.1.1.1", port: port)));

    [Theory]
    [InlineData(null, "Pass open")]
    [InlineData("alice", "Pass staff")]
    [InlineData("bob", "Pass bob")]
    public void Decide_AuthTerms_MatchMethodAndPrincipal(string? user, string expected)
    {
        var policy = Compile($"""
            {Users}
            pass to 1.1.1.1 group staff name staff
            pass to 1.1.1.1 user bob name bob
            pass to 1.1.1.1 auth none name open
            """);

        Assert.Equal(expected, Outcome(policy, Request(address: "1.1.1.1", user: user)));
    }

    [Fact]
    public void Decide_AuthPassword_NeedsAPasswordLogin()
    {
        var policy = Compile($"{Users}\npass to any auth password");

        Assert.Null(Outcome(policy, Request(address: "1.1.1.1")));
        Assert.Equal("Pass line 4", Outcome(policy, Request(address: "1.1.1.1", user: "bob")));
    }

    [Fact]
    public void Decide_AuthNone_RejectsPasswordLogin() =>
        Assert.Null(Outcome(Compile($"{Users}\npass auth none"), Request(address: "1.1.1.1", user: "alice")));

    [Fact]
    public void DecideClient_FirstMatchOrBlock()
    {
        var policy = Compile("""
            client pass from 10.0.0.0/8 on 10.1.0.10 name inside
            client block from 10.66.0.0/16
            client pass from 10.66.0.0/16
            """);

        Assert.Equal(new ClientDecision(PolicyAction.Pass, new PolicyRuleInfo(1, "inside", PolicyLogLevel.None)), policy.DecideClient(Client, Listener));
        Assert.Equal(PolicyAction.Block, policy.DecideClient(IPAddress.Parse("10.66.1.1"), IPAddress.Parse("10.2.0.1")).Action);
        Assert.Equal(new ClientDecision(PolicyAction.Block, null), policy.DecideClient(Client, IPAddress.Parse("10.2.0.1")));
        Assert.Equal(PolicyAction.Pass, policy.DecideClient(IPAddress.Parse("::ffff:10.1.1.1"), IPAddress.Parse("::ffff:10.1.0.10")).Action);
    }

    [Theory]
    [InlineData("pass from 10.0.0.0/8 auth none", AuthRequirement.NoneAccepted)]
    [InlineData("pass from 10.0.0.0/8", AuthRequirement.NoneAccepted | AuthRequirement.PasswordAccepted)]
    [InlineData("pass from 10.0.0.0/8 auth password", AuthRequirement.PasswordAccepted)]
    [InlineData("pass from 10.0.0.0/8 group staff\npass on 10.1.0.10 auth none", AuthRequirement.NoneAccepted | AuthRequirement.PasswordAccepted)]
    [InlineData("pass from 192.168.0.0/16", AuthRequirement.None)]
    [InlineData("pass on 10.1.0.11", AuthRequirement.None)]
    [InlineData("block from 10.0.0.0/8", AuthRequirement.None)]
    public void AuthFor_OffersWhatApplicablePassRulesAccept(string rules, AuthRequirement expected) =>
        Assert.Equal(expected, Compile($"{Users}\n{rules}").AuthFor(Client, Listener));

    [Fact]
    public void AuthFor_NoUsers_OffersNoPasswordForUntermedRule() =>
        Assert.Equal(AuthRequirement.NoneAccepted, Compile("pass").AuthFor(Client, Listener));

    [Fact]
    public void Route_FirstMatchOrDirect()
    {
        var policy = Compile("""
            route to 198.51.100.0/24 via egress 203.0.113.10
            route to *.partner.example port 443 via socks5 up.partner.example:1080 user u password p
            route to 2001:db8::/32 via direct
            """);

        Assert.Equal(new RouteDecision(new EgressRoute(IPAddress.Parse("203.0.113.10")), new PolicyRuleInfo(1, "line 1", PolicyLogLevel.None)), policy.Route(null, IPAddress.Parse("198.51.100.7"), 80));
        Assert.Equal(new UpstreamRoute("up.partner.example", 1080, "u", "p"), policy.Route("WWW.Partner.Example.", null, 443).Target);
        Assert.Equal(new RouteDecision(DirectRoute.Instance, null), policy.Route("www.partner.example", null, 80));
        Assert.Equal(3, policy.Route(null, IPAddress.Parse("2001:db8::5"), 80).Rule?.Line);
        Assert.Null(policy.Route("198.51.100.7", null, 80).Rule);
    }

    [Fact]
    public void VerifyPassword_AcceptsOnlyTheRightPassword()
    {
        var policy = Compile(Users);

        Assert.True(policy.VerifyPassword("alice", TestHashes.AlicePassword));
        Assert.True(policy.VerifyPassword("alice", TestHashes.AlicePassword));
        Assert.False(policy.VerifyPassword("alice", TestHashes.BobPassword));
        Assert.False(policy.VerifyPassword("Alice", TestHashes.AlicePassword));
        Assert.False(policy.VerifyPassword("mallory", TestHashes.AlicePassword));
        Assert.True(policy.VerifyPassword("bob", TestHashes.BobPassword));
        Assert.False(policy.VerifyPassword("bob", TestHashes.AlicePassword));
    }

    [Fact]
    public void IsInGroup_UsesGroupMembers()
    {
        var policy = Compile(Users);

        Assert.True(policy.IsInGroup("alice", "staff"));
        Assert.False(policy.IsInGroup("bob", "staff"));
        Assert.False(policy.IsInGroup("alice", "nobody"));
    }

    [Fact]
    public void Limits_ExposeEveryLimit()
    {
        var policy = Compile($"""
            {Users}
            limit handshake-timeout 10s
            limit idle-timeout 2h
            limit bandwidth 5M
            limit sessions 100
            limit group staff sessions 20
            limit user bob sessions 2
            limit from 10.0.0.0/8 sessions 50
            """);

        Assert.Equal(TimeSpan.FromSeconds(10), policy.Limits.HandshakeTimeout);
        Assert.Null(policy.Limits.ConnectTimeout);
        Assert.Equal(TimeSpan.FromHours(2), policy.Limits.IdleTimeout);
        Assert.Equal(5_000_000, policy.Limits.BandwidthPerSession);
        Assert.Equal(100, policy.Limits.MaxSessions);
        Assert.Equal(3, policy.Limits.SessionLimits.Count);
        Assert.Equal(["group staff", "from 10.0.0.0/8"], policy.SessionLimitsFor(Client, "alice").Select(l => l.Subject.ToString()));
        Assert.Equal(["user bob"], policy.SessionLimitsFor(IPAddress.Parse("192.0.2.1"), "bob").Select(l => l.Subject.ToString()));
        Assert.Empty(policy.SessionLimitsFor(IPAddress.Parse("192.0.2.1"), null));
    }

    [Fact]
    public void RuleCount_CountsClientRequestAndRouteRules() =>
        Assert.Equal(4, Compile("client pass\npass\nblock\nroute via direct\nlimit sessions 3").RuleCount);

    [Fact]
    public void Compile_UnparsableHash_Throws() =>
        Assert.Throws<ArgumentException>(() => CompiledPolicy.Compile(PolicyDocument.Empty with { Users = [new UserEntry(1, "x", "plain")] }));

    [Fact]
    public void Decide_DoesNotAllocate()
    {
        var rules = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"block connect from 10.{i}.0.0/16 to *.d{i}.example, h{i}.example, 198.{i}.0.0/16 port {i + 1}"));
        var policy = Compile($"{Users}\n{rules}\npass connect to any port 443 group staff\npass connect to any");
        PolicyRequest[] requests =
        [
            Request(host: "www.example.org"),
            Request(host: "WWW.Example.Org.", address: "::ffff:93.184.216.34"),
            Request(address: "2001:db8::1", user: "alice"),
        ];
        foreach (var request in requests)
        {
            policy.Decide(request);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var passes = 0;
        for (var i = 0; i < 10_000; i++)
        {
            passes += policy.Decide(requests[i % requests.Length]).Action == PolicyAction.Pass ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10_000, passes);
        Assert.Equal(0, allocated);
    }
}
