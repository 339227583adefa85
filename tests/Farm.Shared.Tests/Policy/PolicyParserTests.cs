using System.Net;
using System.Text;
using Farm.Shared.Policy;

namespace Farm.Shared.Tests.Policy;

public class PolicyParserTests
{
    private static IPNetwork Net(string text) => IPNetwork.Parse(text);

    private static PolicyError SingleError(string text)
    {
        var result = PolicyParser.Parse(text);
        Assert.False(result.Success);
        Assert.Null(result.Document);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_Empty_IsEmptyDocument() => Assert.Equal(PolicyDocument.Empty, TestHashes.Parse("\n# only a comment\n   \n"));

    [Fact]
    public void Parse_ClientRules_ReadsFromOnNameAndLog()
    {
        var doc = TestHashes.Parse("""
            client pass  from 10.0.0.0/8, 192.168.1.7 on 10.1.0.10   # interface of entry
            CLIENT Block From Any name deny-rest log warning
            client pass
            """);

        Assert.Equal(
            [
                new ClientRule(1, PolicyAction.Pass, [Net("10.0.0.0/8"), Net("192.168.1.7/32")], [Net("10.1.0.10/32")], null, PolicyLogLevel.None),
                new ClientRule(2, PolicyAction.Block, null, null, "deny-rest", PolicyLogLevel.Warning),
                new ClientRule(3, PolicyAction.Pass, null, null, null, PolicyLogLevel.None),
            ],
            doc.ClientRules);
    }

    [Fact]
    public void Parse_UsersAndGroups_KeepsHashAndMembers()
    {
        var doc = TestHashes.Parse($"""
            user alice {TestHashes.Alice}
            group staff alice bob
            user bob {TestHashes.Bob}
            group ops bob, alice
            """);

        Assert.Equal([new UserEntry(1, "alice", TestHashes.Alice), new UserEntry(3, "bob", TestHashes.Bob)], doc.Users);
        Assert.Equal([new GroupEntry(2, "staff", ["alice", "bob"]), new GroupEntry(4, "ops", ["bob", "alice"])], doc.Groups);
    }

    [Fact]
    public void Parse_RequestRule_ReadsEveryTerm()
    {
        var doc = TestHashes.Parse($"""
            user alice {TestHashes.Alice}
            group staff alice
            pass connect, bind from 10.0.0.0/8 on 10.1.0.10 to 1.2.3.4, 2001:db8::/32, Example.COM., *.example.org port 80, 443, 1000-2000 auth password user alice group staff name web log debug
            """);

        var rule = Assert.Single(doc.Rules);
        Assert.Equal(
            new RequestRule(
                3,
                PolicyAction.Pass,
                CommandSet.Connect | CommandSet.Bind,
                [Net("10.0.0.0/8")],
                [Net("10.1.0.10/32")],
                [new NetworkDestination(Net("1.2.3.4/32")), new NetworkDestination(Net("2001:db8::/32")), new HostDestination("example.com"), new DomainSuffixDestination("example.org")],
                [new PortRange(80, 80), new PortRange(443, 443), new PortRange(1000, 2000)],
                AuthMethod.Password,
                ["alice"],
                ["staff"],
                null,
                "web",
                PolicyLogLevel.Debug),
            rule);
    }

    [Theory]
    [InlineData("block to any", CommandSet.Any)]
    [InlineData("block any to any", CommandSet.Any)]
    [InlineData("block connect to any", CommandSet.Connect)]
    [InlineData("block bind", CommandSet.Bind)]
    [InlineData("block UDP from any", CommandSet.Udp)]
    [InlineData("block udp,connect", CommandSet.Udp | CommandSet.Connect)]
    public void Parse_Commands_DefaultToAny(string text, CommandSet expected) =>
        Assert.Equal(expected, Assert.Single(TestHashes.Parse(text).Rules).Commands);

    [Fact]
    public void Parse_MinimalRule_LeavesEveryTermUnrestricted() =>
        Assert.Equal(
            new RequestRule(1, PolicyAction.Pass, CommandSet.Any, null, null, null, null, null, null, null, null, null, PolicyLogLevel.None),
            Assert.Single(TestHashes.Parse("pass").Rules));

    [Theory]
    [InlineData("log", PolicyLogLevel.Info)]
    [InlineData("log info", PolicyLogLevel.Info)]
    [InlineData("log debug", PolicyLogLevel.Debug)]
    [InlineData("log WARNING", PolicyLogLevel.Warning)]
    public void Parse_Log_ReadsLevel(string term, PolicyLogLevel expected) =>
        Assert.Equal(expected, Assert.Single(TestHashes.Parse($"pass bind to ftp.example.org {term}").Rules).Log);

    [Fact]
    public void Parse_AuthNone_IsKept() =>
        Assert.Equal(AuthMethod.None, Assert.Single(TestHashes.Parse("pass udp to any port 53 auth none").Rules).Auth);

    [Fact]
    public void Parse_Routes_ReadsEveryTarget()
    {
        var doc = TestHashes.Parse("""
            route to 198.51.100.0/24 via egress 203.0.113.10
            route to *.partner.example port 443 via socks5 upstream.partner.example:1080 user u password "p w\"x"
            route to 2001:db8::/32 via socks5 [2001:db8::1]:1080
            route via direct
            """);

        Assert.Equal(
            [
                new RouteRule(1, [new NetworkDestination(Net("198.51.100.0/24"))], null, new EgressRoute(IPAddress.Parse("203.0.113.10"))),
                new RouteRule(2, [new DomainSuffixDestination("partner.example")], [new PortRange(443, 443)], new UpstreamRoute("upstream.partner.example", 1080, "u", "p w\"x")),
                new RouteRule(3, [new NetworkDestination(Net("2001:db8::/32"))], null, new UpstreamRoute("2001:db8::1", 1080, null, null)),
                new RouteRule(4, null, null, DirectRoute.Instance),
            ],
            doc.Routes);
    }

    [Fact]
    public void Parse_Limits_ReadsEveryKind()
    {
        var doc = TestHashes.Parse($"""
            user alice {TestHashes.Alice}
            group staff alice
            limit handshake-timeout 10s
            limit connect-timeout 1500ms
            limit idle-timeout 2h
            limit bandwidth 10M
            limit sessions 5000
            limit user alice sessions 10
            limit group staff sessions 200
            limit from 10.0.0.0/8 sessions 1000
            """);

        Assert.Equal(
            [
                new TimeoutLimit(3, TimeoutKind.Handshake, TimeSpan.FromSeconds(10)),
                new TimeoutLimit(4, TimeoutKind.Connect, TimeSpan.FromMilliseconds(1500)),
                new TimeoutLimit(5, TimeoutKind.Idle, TimeSpan.FromHours(2)),
                new BandwidthLimit(6, 10_000_000),
                new SessionLimit(7, NodeSubject.Instance, 5000),
                new SessionLimit(8, new UserSubject("alice"), 10),
                new SessionLimit(9, new GroupSubject("staff"), 200),
                new SessionLimit(10, new SourceSubject(Net("10.0.0.0/8")), 1000),
            ],
            doc.Limits);
    }

    [Theory]
    [InlineData("frobnicate", 1, 1, "unknown statement 'frobnicate'")]
    [InlineData("client allow", 1, 8, "expected pass or block")]
    [InlineData("client pass from 10.0.0.0/33", 1, 18, "invalid prefix length")]
    [InlineData("client pass from 10.1.0.0/8", 1, 18, "bits set after the /8 prefix")]
    [InlineData("client pass from 10.1", 1, 18, "not an IP address")]
    [InlineData("client pass from 10.0.0.0/8,", 1, 29, "expected address or network")]
    [InlineData("client pass to any", 1, 13, "unexpected 'to'")]
    [InlineData("pass from any, 10.0.0.0/8", 1, 14, "'any' cannot be combined")]
    [InlineData("pass connect to 10.0.0.0/8, bad..host", 1, 29, "not an address, network, host name")]
    [InlineData("pass connect to any port 70000", 1, 26, "not a port")]
    [InlineData("pass connect to any port 90-80", 1, 26, "not a port")]
    [InlineData("pass connect, telnet to any", 1, 15, "unknown command 'telnet'")]
    [InlineData("pass connect to any to any", 1, 21, "'to' is given twice")]
    [InlineData("pass connect auth kerberos", 1, 19, "unknown auth method")]
    [InlineData("pass connect user ghost", 1, 19, "unknown user 'ghost'")]
    [InlineData("pass connect group ghosts", 1, 20, "unknown group 'ghosts'")]
    [InlineData("pass connect wibble", 1, 14, "unexpected 'wibble'")]
    [InlineData("user alice secret", 1, 12, "plain passwords are not accepted")]
    [InlineData("user alice pbkdf2-sha256$600000$AAAA$AAAA", 1, 12, "salt must be")]
    [InlineData("user al\"ice", 1, 6, "not a valid user name")]
    [InlineData("group staff ghost", 1, 13, "unknown user 'ghost'")]
    [InlineData("group staff", 1, 12, "expected at least one member")]
    [InlineData("route to any", 1, 13, "route needs")]
    [InlineData("route via teleport", 1, 11, "unknown route target")]
    [InlineData("route via egress example.com", 1, 18, "not an IP address")]
    [InlineData("route via socks5 upstream", 1, 18, "not HOST:PORT")]
    [InlineData("route via socks5 up:1080 user u", 1, 32, "expected 'password'")]
    [InlineData("limit idle-timeout 5min", 1, 20, "not a duration")]
    [InlineData("limit bandwidth fast", 1, 17, "not a rate")]
    [InlineData("limit bandwidth 0", 1, 17, "not a rate")]
    [InlineData("limit bandwidth 0k", 1, 17, "not a rate")]
    [InlineData("limit bandwidth -64k", 1, 17, "not a rate")]
    [InlineData("limit bandwidth 1001G", 1, 17, "not a rate")]
    [InlineData("limit bandwidth", 1, 16, "expected bytes per second")]
    [InlineData("limit sessions -1", 1, 16, "not a positive session count")]
    [InlineData("limit user ghost sessions 3", 1, 12, "unknown user 'ghost'")]
    [InlineData("limit from 10.0.0.0/8 connections 3", 1, 23, "expected 'sessions'")]
    [InlineData("limit coffee 3", 1, 7, "unknown limit 'coffee'")]
    [InlineData("pass password \"unterminated", 1, 15, "unterminated string")]
    public void Parse_Error_ReportsLineAndColumn(string text, int line, int column, string message)
    {
        var error = SingleError(text);

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    // afl (bench/fuzz, target policy) found "block any to 0.0.0.08" throwing FormatException out of Parse:
    // IPAddress.Parse reads a leading zero as octal, and 8 is no octal digit.
    [Fact]
    public void Parse_FuzzCrash_OctalLookingOctet_IsErrorNotException()
    {
        var input = Convert.FromHexString("626C6F636B20616E7920746F20302E302E302E3038");

        var error = SingleError(Encoding.UTF8.GetString(input));

        Assert.Equal("1:14: '0.0.0.08' has an IPv4 octet with a leading zero, which other tools read as octal: write it without", error.ToString());
    }

    // "010.0.0.0/8" meant 8.0.0.0/8 to IPAddress.Parse and 10.0.0.0/8 to whoever wrote it: refused, never guessed.
    [Theory]
    [InlineData("block any to 10.0.0.09", 1, 14)]
    [InlineData("block any to 010.0.0.0/8", 1, 14)]
    [InlineData("client pass from 10.0.0.1 on 10.1.0.010", 1, 30)]
    [InlineData("route to any via egress 203.0.113.010", 1, 25)]
    [InlineData("route to any via socks5 198.51.100.08:1080", 1, 25)]
    public void Parse_LeadingZeroOctet_IsRefused(string text, int line, int column)
    {
        var error = SingleError(text);

        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void Parse_ZeroOctets_StayValid() =>
        Assert.Equal(
            new ClientRule(1, PolicyAction.Pass, [Net("0.0.0.0/8"), Net("10.0.0.0/8")], null, null, PolicyLogLevel.None),
            Assert.Single(TestHashes.Parse("client pass from 0.0.0.0/8, 10.0.0.0/8").ClientRules));

    [Fact]
    public void Parse_AuthNoneWithUser_IsContradiction()
    {
        var error = SingleError($"user alice {TestHashes.Alice}\npass auth none user alice");

        Assert.Equal("2:11: 'auth none' cannot be combined with user, group or realm, which require a login", error.ToString());
    }

    [Fact]
    public void Parse_DuplicateUser_PointsAtFirstDefinition()
    {
        var error = SingleError($"user alice {TestHashes.Alice}\n\nuser alice {TestHashes.Bob}");

        Assert.Equal("3:6: user 'alice' is already defined on line 1", error.ToString());
    }

    [Theory]
    [InlineData("group g alice\ngroup g alice", "3:7: group 'g' is already defined on line 2")]
    [InlineData("pass name a\nblock name a", "3:12: rule name 'a' is already defined on line 2")]
    [InlineData("client pass name a\nblock name a", "3:12: rule name 'a' is already defined on line 2")]
    [InlineData("limit idle-timeout 1s\nlimit idle-timeout 2s", "3:7: limit idle-timeout is already set on line 2")]
    [InlineData("limit from 10.0.0.0/8 sessions 1\nlimit from 10.0.0.0/8 sessions 2", "3:7: limit from 10.0.0.0/8 is already set on line 2")]
    public void Parse_Duplicate_IsError(string text, string expected) =>
        Assert.Equal(expected, SingleError($"user alice {TestHashes.Alice}\n{text}").ToString());

    [Fact]
    public void Parse_ManyErrors_ReportsEveryOneInOrder()
    {
        var result = PolicyParser.Parse("""
            client pass from 300.0.0.0/8
            pass connect to 10.0.0.0/8, 10.0.0.1/8, ok.example port 99999
            group staff ghost
            nonsense here
            user bob plaintext
            """);

        Assert.Equal(
            [
                "1:18: '300.0.0.0/8' is not an IP address or CIDR network",
                "2:29: '10.0.0.1/8' has bits set after the /8 prefix",
                "2:57: '99999' is not a port (0-65535) or range FIRST-LAST",
                "3:13: unknown user 'ghost'",
                "4:1: unknown statement 'nonsense': expected client, user, group, pass, block, route or limit",
            ],
            result.Errors.Take(5).Select(e => e.ToString()));
        Assert.Equal("5:10", $"{result.Errors[5].Line}:{result.Errors[5].Column}");
        Assert.Equal(6, result.Errors.Count);
    }

    [Fact]
    public void Parse_CrLfAndComments_AreIgnored()
    {
        var doc = TestHashes.Parse("# header\r\npass connect to any port 80 # web\r\n");

        Assert.Equal(2, Assert.Single(doc.Rules).Line);
    }

    [Fact]
    public void Parse_MappedNetwork_StaysIpv6() =>
        Assert.Equal(
            new NetworkDestination(Net("::ffff:0:0/96")),
            Assert.Single(Assert.Single(TestHashes.Parse("block to ::ffff:0:0/96").Rules).To!.Value));
}
