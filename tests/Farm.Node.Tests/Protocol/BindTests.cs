using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Protocol;

/// <summary>BIND driven by the npm "socks" client against a node listening on 127.0.0.7.</summary>
public sealed class BindTests : IAsyncLifetime
{
    private const string NodeAddress = "127.0.0.7";
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync() =>
        _node = await FarmNodeHost.StartAsync(
            """
            client pass from 127.0.0.0/8
            pass bind from 127.0.0.0/8 to 127.0.0.1 name bind-local
            """,
            new Dictionary<string, string?> { ["Farm:Socks:Listeners:0"] = $"{NodeAddress}:0", ["Farm:Socks:BindTimeout"] = "00:00:03" });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Bind_ExpectedPeerConnectsIn_BothRepliesRightAndDataBothWays()
    {
        var result = await NodeClientScript.RunAsync("bind.mjs", NodeAddress, $"{_node.Endpoint.Port}", "127.0.0.1", "127.0.0.1");

        BindScriptResult.AssertRelayedBothWays(result, IPAddress.Parse(NodeAddress));
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("bind", record.GetProperty("command").GetString());
        Assert.Equal("completed", record.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Bind_OnlyAWrongPeerConnectsIn_ClosedAndTheBindTimesOut()
    {
        var result = await NodeClientScript.RunAsync("bind.mjs", NodeAddress, $"{_node.Endpoint.Port}", "127.0.0.1", "127.0.0.2");

        Assert.True(result.TryGetProperty("error", out _), result.ToString());
        Assert.Equal(NodeAddress, result.GetProperty("bound").GetProperty("host").GetString());
        Assert.False(result.TryGetProperty("established", out _));
        Assert.False(result.TryGetProperty("peerGot", out _));
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("bind-timeout", record.GetProperty("outcome").GetString());
        Assert.Equal("ttl-expired", record.GetProperty("reply").GetString());
    }

    [Fact]
    public async Task Bind_ClientClosesWhileWaiting_SessionEndsAtOnceAndTheListenerCloses()
    {
        IPEndPoint listened;
        using (var client = await RawClient.ConnectAsync(_node.Endpoint))
        {
            await client.SendAsync(0x05, 0x01, 0x00, 0x05, 0x02, 0x00, 0x01, 127, 0, 0, 1, 0, 0);
            var replies = await client.ReceiveExactlyAsync(12);
            Assert.Equal(0x00, replies[3]);
            listened = new IPEndPoint(IPAddress.Parse(NodeAddress), (replies[10] << 8) | replies[11]);
        }

        // Not the two-minute bind timeout: the client that asked is gone.
        var record = Assert.Single(await _node.SessionRecordsAsync(1, TimeSpan.FromSeconds(3)));
        Assert.Equal("client-closed", record.GetProperty("outcome").GetString());
        using var late = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await late.ConnectAsync(listened));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Bind_NotPassedByPolicy_NotAllowed()
    {
        await using var node = await FarmNodeHost.StartAsync();
        using var client = await RawClient.ConnectAsync(node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x00, 0x05, 0x02, 0x00, 0x01, 127, 0, 0, 1, 0, 80);

        var reply = await client.ReceiveUntilClosedAsync();

        Assert.Equal(new byte[] { 0x05, 0x00, 0x05, 0x02 }, reply[..4]);
    }
}
