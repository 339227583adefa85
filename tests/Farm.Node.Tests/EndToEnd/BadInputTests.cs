using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>
/// Malformed and hostile input: each case gets the right reply or a clean close, and a good
/// client is served right after it.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private LoopbackEchoServer _echo = null!;
    private FarmNodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _echo = new LoopbackEchoServer();
        _node = await FarmNodeHost.StartAsync(settings: new Dictionary<string, string?> { ["Farm:Socks:HandshakeTimeout"] = "00:00:03" });
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _echo.DisposeAsync();
    }

    public static TheoryData<string, byte[], byte[]> ClosingCases => new()
    {
        { "wrong version byte", [0x06, 0x01, 0x00], [] },
        { "NMETHODS 0", [0x05, 0x00], [0x05, 0xFF] },
        { "unknown method only", [0x05, 0x01, 0x80], [0x05, 0xFF] },
        { "ATYP 0x05", [0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x05, 1, 2, 3, 4, 0, 80], [0x05, 0x00, 0x05, 0x08, 0x00, 0x01, 0, 0, 0, 0, 0, 0] },
        { "unknown command", [0x05, 0x01, 0x00, 0x05, 0x09, 0x00, 0x01, 127, 0, 0, 1, 0, 80], [0x05, 0x00, 0x05, 0x07, 0x00, 0x01, 0, 0, 0, 0, 0, 0] },
        { "zero-length domain", [0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x03, 0x00, 0, 80], [0x05, 0x00, 0x05, 0x01, 0x00, 0x01, 0, 0, 0, 0, 0, 0] },
        { "SOCKS4 unknown command", [0x04, 0x07, 0, 80, 127, 0, 0, 1, 0x00], [0x00, 91, 0, 0, 0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(ClosingCases))]
    public async Task BadRequest_RightReplyThenClose_GoodClientServedAfter(string name, byte[] sent, byte[] expected)
    {
        using (var client = await RawClient.ConnectAsync(_node.Endpoint))
        {
            await client.SendAsync(sent);
            var received = await client.ReceiveUntilClosedAsync();
            Assert.True(expected.AsSpan().SequenceEqual(received), $"{name}: got [{Convert.ToHexString(received)}]");
        }

        await AssertGoodClientServedAsync();
    }

    [Fact]
    public async Task TruncatedGreeting_ClientCloses_NodeCleansUp()
    {
        using (var client = await RawClient.ConnectAsync(_node.Endpoint))
        {
            await client.SendAsync(0x05, 0x03, 0x00);
            client.Socket.Shutdown(SocketShutdown.Send);
            Assert.Empty(await client.ReceiveUntilClosedAsync());
        }

        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("client-closed", record.GetProperty("outcome").GetString());
        await AssertGoodClientServedAsync();
    }

    [Fact]
    public async Task Bind_NotBuiltYet_CommandNotSupported()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x00, 0x05, 0x02, 0x00, 0x01, 127, 0, 0, 1, 0, 80);

        var reply = await client.ReceiveUntilClosedAsync();

        Assert.Equal(0x07, reply[3]);
    }

    [Fact]
    public async Task Connect_ClosedPort_ConnectionRefused()
    {
        var closedPort = FreePort();
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(closedPort >> 8), (byte)closedPort);

        var reply = await client.ReceiveUntilClosedAsync();

        Assert.Equal(new byte[] { 0x05, 0x00, 0x05, 0x05 }, reply[..4]);
        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("connection-refused", record.GetProperty("reply").GetString());
    }

    [Fact]
    public async Task RandomBytes_FourKilobytes_CleanClose()
    {
        var random = new byte[4096];
        new Random(42).NextBytes(random);
        random[0] = 0x05;
        using (var client = await RawClient.ConnectAsync(_node.Endpoint))
        {
            await SendIgnoringResetAsync(client, random);
            await client.ReceiveUntilClosedAsync();
        }

        await AssertGoodClientServedAsync();
    }

    [Fact]
    public async Task Socks4_UserIdOf64KilobytesWithoutNul_RejectedAndClosed()
    {
        var request = new byte[8 + (64 * 1024)];
        new byte[] { 0x04, 0x01, 0, 80, 127, 0, 0, 1 }.CopyTo(request, 0);
        request.AsSpan(8).Fill((byte)'u');
        using (var client = await RawClient.ConnectAsync(_node.Endpoint))
        {
            var sending = SendIgnoringResetAsync(client, request);
            var reply = await client.ReceiveUntilClosedAsync();
            await sending;
            Assert.Equal(8, reply.Length);
            Assert.Equal(91, reply[1]);
        }

        var record = Assert.Single(await _node.SessionRecordsAsync(1));
        Assert.Equal("protocol-error", record.GetProperty("outcome").GetString());
        await AssertGoodClientServedAsync();
    }

    [Fact]
    public async Task OptimisticData_AfterRequest_ForwardedNotDropped()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        var port = (ushort)_echo.Endpoint.Port;
        await client.SendAsync([0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port, .. "early"u8]);

        Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2));
        Assert.Equal(0x00, (await client.ReceiveExactlyAsync(10))[1]);
        Assert.Equal("early"u8.ToArray(), await client.ReceiveExactlyAsync(5));
    }

    private async Task AssertGoodClientServedAsync()
    {
        using var client = await RawClient.ConnectAsync(_node.Endpoint);
        var port = (ushort)_echo.Endpoint.Port;
        await client.SendAsync(0x05, 0x01, 0x00);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2));
        await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
        var reply = await client.ReceiveExactlyAsync(10);
        Assert.Equal(0x00, reply[1]);
        await client.SendAsync("ping"u8.ToArray());
        Assert.Equal("ping"u8.ToArray(), await client.ReceiveExactlyAsync(4));
    }

    private static async Task SendIgnoringResetAsync(RawClient client, byte[] bytes)
    {
        try
        {
            await client.Socket.SendAsync(bytes, SocketFlags.None);
        }
        catch (SocketException)
        {
            // The node closed as soon as it had seen enough; that is the point.
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
