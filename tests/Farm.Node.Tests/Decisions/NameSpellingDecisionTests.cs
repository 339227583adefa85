using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Decisions;

/// <summary>
/// Names spelt so that the resolver reads something the policy did not (escapes, empty labels), and IP
/// literals sent as names on an upstream route: neither passes a block, nor reaches the upstream.
/// </summary>
public sealed class NameSpellingDecisionTests : IAsyncLifetime
{
    private const int Port = 9999;
    private FakeUpstreamSocks _upstream = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _upstream = new FakeUpstreamSocks();
        _node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            block any to evil.test, *.evil.test name evil
            block any to 127.0.0.0/8, ::1, ::/96, 10.0.0.0/8, fe80::/10 name inward
            pass connect to any port {Port} name any-{Port}
            route to any port {Port} via socks5 {_upstream.Endpoint} user farm password s3cret
            """);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [InlineData(@"ev\105l.test")]
    [InlineData(@"x.ev\105l.test")]
    [InlineData(@"evil\.test")]
    [InlineData("a..evil.test")]
    [InlineData(".evil.test")]
    [InlineData("secret.evil.test..")]
    public async Task EscapedOrMalformedName_RefusedBeforeAnyDecision_UpstreamNeverContacted(string name)
    {
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, 0x01, name, Port);

        Assert.NotEqual(0x00, probe.Reply);
        Assert.Equal(0, _upstream.Connections);
    }

    [Theory]
    [InlineData("127.1")]
    [InlineData("0x7f.1")]
    [InlineData("2130706433")]
    [InlineData("[::1]")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("fe80::1%lo")]
    [InlineData("10.1.2.3")]
    public async Task AddressLiteralAsName_OnAnUpstreamRoute_DecidedAsThatAddress_Refused(string name)
    {
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, 0x01, name, Port);

        Assert.Equal(0x02, probe.Reply);
        Assert.Equal(0, _upstream.Connections);
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("inward", record.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task PlainNameOnTheRoute_StillForwardedUnresolved()
    {
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, 0x01, "good-name.example_1.org", Port);

        Assert.Equal(0x00, probe.Reply);
        Assert.Equal(["good-name.example_1.org:9999"], _upstream.Destinations);
    }
}
