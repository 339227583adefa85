using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Protocol;

/// <summary>UDP ASSOCIATE driven by the npm "socks" client and by raw datagrams, on a node at 127.0.0.7.</summary>
public sealed class UdpAssociateTests : IAsyncLifetime
{
    private const string NodeAddress = "127.0.0.7";
    private LoopbackUdpEcho _echo = null!;
    private LoopbackUdpEcho _blocked = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _echo = new LoopbackUdpEcho();
        _blocked = new LoopbackUdpEcho();
        _node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            pass udp to 127.0.0.1, localhost port {_echo.Endpoint.Port} name udp-echo
            """,
            new Dictionary<string, string?> { ["Farm:Socks:Listeners:0"] = $"{NodeAddress}:0" });
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _blocked.DisposeAsync();
        await _echo.DisposeAsync();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Associate_DatagramOf1400Bytes_EchoedBackWrappedWithSource(string target)
    {
        var result = await NodeClientScript.RunAsync("udp.mjs", NodeAddress, $"{_node.Endpoint.Port}", target, $"{_echo.Endpoint.Port}", "1400");

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(NodeAddress, result.GetProperty("relay").GetProperty("host").GetString());
        Assert.Equal(1400, result.GetProperty("echoedBytes").GetInt32());
        Assert.True(result.GetProperty("match").GetBoolean());
        Assert.Equal("127.0.0.1", result.GetProperty("from").GetProperty("host").GetString());
        Assert.Equal(_echo.Endpoint.Port, result.GetProperty("from").GetProperty("port").GetInt32());
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("udp-associate", record.GetProperty("command").GetString());
        Assert.Equal(1, record.GetProperty("datagrams_up").GetInt64());
        Assert.Equal(1, record.GetProperty("datagrams_down").GetInt64());
    }

    [Fact]
    public async Task Associate_ForeignSourceAndBlockedDestination_DroppedAndCounted()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var control = await RawClient.ConnectAsync(_node.Endpoint);
        var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
        await control.SendAsync(0x05, 0x01, 0x00, 0x05, 0x03, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await control.ReceiveExactlyAsync(2));
        var reply = await control.ReceiveExactlyAsync(10);
        Assert.Equal(0x00, reply[1]);
        var relay = new IPEndPoint(new IPAddress(reply.AsSpan(4, 4)), (reply[8] << 8) | reply[9]);
        Assert.Equal(IPAddress.Parse(NodeAddress), relay.Address);

        // From a foreign source: a host that is not the client, aiming at the permitted echo.
        using (var foreign = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            foreign.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.9"), 0));
            await foreign.SendToAsync(Frame(_echo.Endpoint, "foreign"u8), SocketFlags.None, relay);
        }

        // From the client, to a destination the policy does not pass.
        await udp.SendToAsync(Frame(_blocked.Endpoint, "blocked"u8), SocketFlags.None, relay);

        // From the client, fragmented: FRAG != 0 is dropped.
        var fragment = Frame(_echo.Endpoint, "fragment"u8);
        fragment[2] = 1;
        await udp.SendToAsync(fragment, SocketFlags.None, relay);

        // And a good one, so the association is known to be working when the others were dropped.
        await udp.SendToAsync(Frame(_echo.Endpoint, "good"u8), SocketFlags.None, relay);
        var back = new byte[512];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await udp.ReceiveFromAsync(back, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
        Assert.Equal("good"u8.ToArray(), back.AsSpan(10, received.ReceivedBytes - 10).ToArray());

        control.Dispose();
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal(3, record.GetProperty("datagrams_dropped").GetInt64());
        Assert.Equal(1, record.GetProperty("datagrams_up").GetInt64());
        Assert.Empty(_blocked.Received);
        Assert.Single(_echo.Received);
    }

    [Fact]
    public async Task Associate_DeclaringAnotherHostsAddress_ThatHostIsStillForeign()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        other.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.9"), 0));
        var otherPort = ((IPEndPoint)other.LocalEndPoint!).Port;
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var control = await RawClient.ConnectAsync(_node.Endpoint);

        // The control connection comes from 127.0.0.1 and declares 127.0.0.9's socket as the datagrams' source.
        await control.SendAsync(0x05, 0x01, 0x00, 0x05, 0x03, 0x00, 0x01, 127, 0, 0, 9, (byte)(otherPort >> 8), (byte)otherPort);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await control.ReceiveExactlyAsync(2));
        var reply = await control.ReceiveExactlyAsync(10);
        Assert.Equal(0x00, reply[1]);
        var relay = new IPEndPoint(new IPAddress(reply.AsSpan(4, 4)), (reply[8] << 8) | reply[9]);
        await other.SendToAsync(Frame(_echo.Endpoint, "declared-other"u8), SocketFlags.None, relay);
        await udp.SendToAsync(Frame(_echo.Endpoint, "client"u8), SocketFlags.None, relay);
        var back = new byte[512];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await udp.ReceiveFromAsync(back, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
        Assert.Equal("client"u8.ToArray(), back.AsSpan(10, received.ReceivedBytes - 10).ToArray());

        control.Dispose();
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal(1, record.GetProperty("datagrams_dropped").GetInt64());
        Assert.Equal("client".Length, Assert.Single(_echo.Received).Length);
    }

    private static byte[] Frame(IPEndPoint target, ReadOnlySpan<byte> data)
    {
        var frame = new byte[10 + data.Length];
        frame[3] = 0x01;
        target.Address.GetAddressBytes().CopyTo(frame, 4);
        frame[8] = (byte)(target.Port >> 8);
        frame[9] = (byte)target.Port;
        data.CopyTo(frame.AsSpan(10));
        return frame;
    }
}
