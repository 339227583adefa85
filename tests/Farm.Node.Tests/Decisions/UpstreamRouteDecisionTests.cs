using System.Net;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Decisions;

/// <summary>
/// A request routed to an upstream SOCKS proxy still needs a pass decision first: a refused one never
/// reaches the upstream (which would otherwise receive the farm's credentials), however the name is spelt.
/// </summary>
public sealed class UpstreamRouteDecisionTests : IAsyncLifetime
{
    private FakeUpstreamSocks _upstream = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _upstream = new FakeUpstreamSocks();
        _node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            pass connect to 127.0.0.99 port 80
            pass connect to open.partner.test port 22 name partner-open
            route to *.partner.test via socks5 {_upstream.Endpoint} user farm password s3cret
            route to 127.0.0.64/28 via socks5 {_upstream.Endpoint} user farm password s3cret
            """);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [InlineData("secret.partner.test")]
    [InlineData("SECRET.Partner.TEST")]
    [InlineData("secret.partner.test.")]
    public async Task Socks5Name_RoutedUpstreamWithoutPassRule_RefusedAndUpstreamNeverContacted(string name)
    {
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, 0x01, name, 22);

        Assert.Equal(0x02, probe.Reply);
        await AssertBlockedAndUpstreamUntouched();
    }

    [Fact]
    public async Task Socks4aName_RoutedUpstreamWithoutPassRule_RefusedAndUpstreamNeverContacted()
    {
        using var probe = await SocksProbe.Socks4aAsync(_node.Endpoint, "secret.partner.test", 22);

        Assert.Equal(0x5B, probe.Reply);
        await AssertBlockedAndUpstreamUntouched();
    }

    [Fact]
    public async Task AddressInRoutedNetwork_WithoutPassRule_RefusedAndUpstreamNeverContacted()
    {
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, 0x01, "127.0.0.70", 22);

        Assert.Equal(0x02, probe.Reply);
        await AssertBlockedAndUpstreamUntouched();
    }

    [Fact]
    public async Task NameWithPassRule_ForwardedUnresolvedWithTheRouteCredentials()
    {
        using var probe = await SocksProbe.Socks5Async(_node.Endpoint, 0x01, "open.partner.test", 22);
        Assert.Equal(0x00, probe.Reply);
        await probe.Client.SendAsync(1, 2, 3);
        Assert.Equal(new byte[] { 1, 2, 3 }, await probe.Client.ReceiveExactlyAsync(3));
        probe.Client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        Assert.Equal(["open.partner.test:22"], _upstream.Destinations);
        Assert.Equal(["farm:s3cret"], _upstream.Credentials);
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("pass", record.GetProperty("decision").GetString());
        Assert.Equal("partner-open", record.GetProperty("rule").GetString());
        Assert.Equal($"socks5 {_upstream.Endpoint}", record.GetProperty("route").GetString());
    }

    private async Task AssertBlockedAndUpstreamUntouched()
    {
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.True(_upstream.Connections == 0, $"the upstream was contacted {_upstream.Connections} time(s), credentials [{string.Join(", ", _upstream.Credentials)}]; record {record}");
        Assert.Empty(_upstream.Credentials);
        Assert.Equal("block", record.GetProperty("decision").GetString());
        Assert.Equal("refused", record.GetProperty("outcome").GetString());
    }
}
