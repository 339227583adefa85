using System.Net;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Protocol;

/// <summary>BIND and UDP ASSOCIATE over IPv6, driven by the npm "socks" client against a node on [::1].</summary>
public sealed class Ipv6BindAndUdpTests : IAsyncLifetime
{
    private LoopbackUdpEcho? _echo;
    private FarmNodeHost? _node;

    private FarmNodeHost Node => _node!;

    private LoopbackUdpEcho Echo => _echo!;

    public async Task InitializeAsync()
    {
        _echo = new LoopbackUdpEcho(IPAddress.IPv6Loopback);
        _node = await FarmNodeHost.StartAsync(
            $"""
            client pass from ::1
            pass bind from ::1 to ::1 name bind-local6
            pass udp from ::1 to ::1 port {Echo.Endpoint.Port} name udp-echo6
            """,
            new Dictionary<string, string?> { ["Farm:Socks:Listeners:0"] = "[::1]:0" });
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_echo is not null)
        {
            await _echo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Bind_OverIpv6_RepliesNameIpv6AddressesAndDataFlowsBothWays()
    {
        var result = await NodeClientScript.RunAsync("bind.mjs", "::1", $"{Node.Endpoint.Port}", "::1", "::1");

        BindScriptResult.AssertRelayedBothWays(result, IPAddress.IPv6Loopback);
        var record = Assert.Single(await Node.SessionRecordsAsync(1));
        Assert.Equal("bind", record.GetProperty("command").GetString());
        Assert.Equal("completed", record.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Associate_OverIpv6_DatagramEchoedBackFromIpv6Destination()
    {
        var result = await NodeClientScript.RunAsync("udp.mjs", "::1", $"{Node.Endpoint.Port}", "::1", $"{Echo.Endpoint.Port}", "1200", "::1");

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(IPAddress.IPv6Loopback, IPAddress.Parse(result.GetProperty("relay").GetProperty("host").GetString()!));
        Assert.Equal(1200, result.GetProperty("echoedBytes").GetInt32());
        Assert.True(result.GetProperty("match").GetBoolean());
        Assert.Equal(IPAddress.IPv6Loopback, IPAddress.Parse(result.GetProperty("from").GetProperty("host").GetString()!));
        Assert.Equal(Echo.Endpoint.Port, result.GetProperty("from").GetProperty("port").GetInt32());
        var (from, length) = Assert.Single(Echo.Received);
        Assert.Equal(IPAddress.IPv6Loopback, from.Address);
        Assert.Equal(1200, length);
        var record = Assert.Single(await Node.SessionRecordsAsync(1));
        Assert.Equal("udp-associate", record.GetProperty("command").GetString());
        Assert.Equal(1, record.GetProperty("datagrams_up").GetInt64());
        Assert.Equal(1, record.GetProperty("datagrams_down").GetInt64());
    }
}
