using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Protocol;

/// <summary>CONNECT over IPv6, an egress source route, and a chain through a second node.</summary>
public sealed class RoutesAndIpv6Tests
{
    private const int Size = 40_000;

    [Fact]
    public async Task Connect_OverIpv6Listener_ToIpv6Destination_Downloads()
    {
        await using var http = new LoopbackHttpServer("::1");
        await using var node = await FarmNodeHost.StartAsync(settings: new Dictionary<string, string?> { ["Farm:Socks:Listeners:0"] = "[::1]:0" });

        var download = await Curl.GetAsync(http.Url(Size), "--proxy", $"socks5://[::1]:{node.Endpoint.Port}");

        Assert.True(download.ExitCode == 0, download.Error);
        Assert.Equal(TestContent.Sha256(http.Content(Size)), TestContent.Sha256(download.Body));
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.StartsWith("[::1]:", record.GetProperty("client").GetString());
        Assert.Equal("::1", record.GetProperty("resolved").GetString());
    }

    [Fact]
    public async Task EgressRoute_Destination_SeesChosenSourceAddress()
    {
        await using var http = new LoopbackHttpServer();
        await using var node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            pass connect to 127.0.0.1
            route to 127.0.0.1 port {http.Endpoint.Port} via egress 127.0.0.9
            """);

        var download = await Curl.GetAsync(http.Url(Size), "--socks5", node.ProxyAddress);

        Assert.True(download.ExitCode == 0, download.Error);
        Assert.Equal("127.0.0.9", Assert.Single(http.Peers).Address.ToString());
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal("egress 127.0.0.9", record.GetProperty("route").GetString());
    }

    [Fact]
    public async Task UpstreamRoute_NameUnderChainDomain_ReachedThroughSecondNode()
    {
        await using var http = new LoopbackHttpServer();
        await using var upstream = await ExternalNodeProcess.StartAsync(
            "127.0.0.12:0",
            new Dictionary<string, string> { ["FARM__POLICY__ALLOWLOOPBACKDESTINATIONS"] = "true" },
            hosts: "127.0.0.1 localhost\n127.0.0.1 web.chain.test\n");
        await using var node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            pass connect to *.chain.test
            route to *.chain.test via socks5 {upstream.Endpoint}
            """);

        var download = await Curl.GetAsync(http.Url(Size, "web.chain.test"), "--socks5-hostname", node.ProxyAddress);

        Assert.True(download.ExitCode == 0, download.Error);
        Assert.Equal(TestContent.Sha256(http.Content(Size)), TestContent.Sha256(download.Body));
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal($"socks5 {upstream.Endpoint}", record.GetProperty("route").GetString());
        // The second node resolved the name (only its /etc/hosts knows it) and dialed it.
        for (var i = 0; i < 100 && upstream.SessionRecords().Count == 0; i++)
        {
            await Task.Delay(50);
        }

        var upstreamRecord = Assert.Single(upstream.SessionRecords());
        Assert.Equal($"web.chain.test:{http.Endpoint.Port}", upstreamRecord.GetProperty("destination").GetString());
        Assert.Equal("127.0.0.1", upstreamRecord.GetProperty("resolved").GetString());
    }

    [Fact]
    public async Task UpstreamRoute_UpstreamDown_ReplyFromUpstreamFailureAndCounted()
    {
        await using var node = await FarmNodeHost.StartAsync(
            """
            client pass from 127.0.0.0/8
            pass connect to *.chain.test
            route to *.chain.test via socks5 127.0.0.1:1
            """);

        var download = await Curl.GetAsync("http://web.chain.test/", "--socks5-hostname", node.ProxyAddress);

        Assert.Equal(97, download.ExitCode);
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal("upstream-failed", record.GetProperty("outcome").GetString());
        Assert.Equal("connection-refused", record.GetProperty("reply").GetString());
    }
}
