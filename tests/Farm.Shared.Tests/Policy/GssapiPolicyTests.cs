using System.Net;
using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Policy;

/// <summary>GSSAPI in the policy language: <c>auth gssapi</c>, <c>realm</c>, and principals in user and group lists.</summary>
public class GssapiPolicyTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.1.2.3");
    private static readonly IPAddress Listener = IPAddress.Parse("10.1.0.10");

    private static readonly string Users = $"""
        user alice {TestHashes.Alice}
        user bob@example.com {TestHashes.Bob}
        group staff alice erin@FARM.TEST
        """;

    private static CompiledPolicy Compile(string rules) => CompiledPolicy.Compile(TestHashes.Parse($"{Users}\n{rules}"));

    private static PolicyRequest Login(AuthMethod auth, string user) =>
        new(SocksCommand.Connect, Client, Listener, null, IPAddress.Parse("192.0.2.1"), 443, auth, user);

    private static string Error(string rules)
    {
        var result = PolicyParser.Parse($"{Users}\n{rules}");
        Assert.False(result.Success);
        return Assert.Single(result.Errors).ToString();
    }

    [Fact]
    public void Parse_AuthGssapiRealmAndPrincipal_ReadAndPrintBack()
    {
        var doc = TestHashes.Parse($"{Users}\npass auth gssapi user alice@FARM.TEST realm FARM.TEST");

        var rule = Assert.Single(doc.Rules);
        Assert.Equal(AuthMethod.Gssapi, rule.Auth);
        Assert.Equal(new[] { "alice@FARM.TEST" }, rule.Users!.Value.Items.ToArray());
        Assert.Equal("FARM.TEST", rule.Realm);
        Assert.Equal(doc, TestHashes.Parse(PolicyPrinter.Print(doc)));
    }

    [Fact]
    public void Parse_UndefinedNameWithoutAt_StillUnknownUser() =>
        Assert.Equal("4:11: unknown user 'dave'", Error("pass user dave"));

    [Fact]
    public void Parse_PasswordWithRealm_IsContradiction() =>
        Assert.Equal("4:11: 'auth password' cannot be combined with realm, which requires gssapi", Error("pass auth password realm FARM.TEST"));

    [Fact]
    public void Parse_AuthNoneWithRealm_IsContradiction() =>
        Assert.Equal("4:11: 'auth none' cannot be combined with user, group or realm, which require a login", Error("pass auth none realm FARM.TEST"));

    [Fact]
    public void Parse_BadRealm_PointsAtIt() =>
        Assert.Equal("4:12: 'FARM_TEST!' is not a valid realm (letters, digits, '.', '-')", Error("pass realm FARM_TEST!"));

    [Fact]
    public void Parse_UnknownAuthMethod_ListsGssapi() =>
        Assert.Equal("4:11: unknown auth method 'kerberos': expected none, password or gssapi", Error("pass auth kerberos"));

    [Theory]
    [InlineData("pass auth gssapi", AuthRequirement.GssapiAccepted)]
    [InlineData("pass realm FARM.TEST", AuthRequirement.GssapiAccepted)]
    [InlineData("pass user alice@FARM.TEST", AuthRequirement.GssapiAccepted)]
    [InlineData("pass user alice, alice@FARM.TEST", AuthRequirement.PasswordAccepted | AuthRequirement.GssapiAccepted)]
    [InlineData("pass group staff", AuthRequirement.PasswordAccepted | AuthRequirement.GssapiAccepted)]
    [InlineData("pass user bob@example.com", AuthRequirement.PasswordAccepted)]
    [InlineData("pass", AuthRequirement.NoneAccepted | AuthRequirement.PasswordAccepted)]
    public void AuthFor_GssapiOnlyWhereARuleNamesIt(string rule, AuthRequirement expected) =>
        Assert.Equal(expected, Compile(rule).AuthFor(Client, Listener));

    [Theory]
    [InlineData(AuthMethod.Gssapi, "alice@FARM.TEST", true)]
    [InlineData(AuthMethod.Gssapi, "mallory@FARM.TEST", false)]
    [InlineData(AuthMethod.Password, "alice@FARM.TEST", false)]
    [InlineData(AuthMethod.Gssapi, "alice", false)]
    [InlineData(AuthMethod.Password, "alice", true)]
    public void Decide_PrincipalsAndPasswordUsersKeptApart(AuthMethod auth, string user, bool passes) =>
        Assert.Equal(passes ? PolicyAction.Pass : PolicyAction.Block, Compile("pass user alice, alice@FARM.TEST").Decide(Login(auth, user)).Action);

    [Theory]
    [InlineData(AuthMethod.Gssapi, "erin@FARM.TEST", true)]
    [InlineData(AuthMethod.Gssapi, "erin@OTHER.TEST", false)]
    [InlineData(AuthMethod.Gssapi, "erin@farm.test", false)]
    [InlineData(AuthMethod.Password, "alice", false)]
    public void Decide_Realm_MatchesItsPrincipalsOnly(AuthMethod auth, string user, bool passes) =>
        Assert.Equal(passes ? PolicyAction.Pass : PolicyAction.Block, Compile("pass realm FARM.TEST").Decide(Login(auth, user)).Action);

    [Fact]
    public void Decide_PasswordUserWithAt_IsNoPrincipal()
    {
        var policy = Compile("pass user bob@example.com");

        Assert.Equal(PolicyAction.Pass, policy.Decide(Login(AuthMethod.Password, "bob@example.com")).Action);
        Assert.Equal(PolicyAction.Block, policy.Decide(Login(AuthMethod.Gssapi, "bob@example.com")).Action);
    }

    [Theory]
    [InlineData("erin@FARM.TEST", "pass")]
    [InlineData("bob@example.com", "block")]
    public void PolicyTest_UndefinedNameWithAt_TestedAsGssapiLogin(string user, string verdict)
    {
        var text = $"{Users}\nclient pass\npass realm FARM.TEST";

        var result = PolicyTester.Run(CompiledPolicy.Compile(TestHashes.Parse(text)), 1, text, new PolicyTestRequest("10.1.2.3", user, null, "192.0.2.1:443", "connect"), Listener);

        Assert.Equal(verdict, result.Verdict);
    }

    [Fact]
    public void AdmitsLogin_SomePassRuleForPrincipal()
    {
        var policy = Compile("pass to 192.0.2.0/24 group staff\nblock user alice@FARM.TEST");

        Assert.True(policy.AdmitsLogin(Client, Listener, AuthMethod.Gssapi, "erin@FARM.TEST"));
        Assert.False(policy.AdmitsLogin(Client, Listener, AuthMethod.Gssapi, "alice@FARM.TEST"));
        Assert.False(policy.AdmitsLogin(IPAddress.Parse("10.9.9.9"), Listener, AuthMethod.Gssapi, "mallory@FARM.TEST"));
    }
}
