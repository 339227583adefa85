using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Xunit.Abstractions;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>
/// <c>limit bandwidth</c> on a node process: each session is held to the rate in each direction,
/// whether the client downloads, uploads, does both at once, or floods UDP datagrams.
/// </summary>
public sealed class BandwidthLimitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rate = 64 * 1024;
    private const int Size = 256 * 1024;

    // size/rate is 4 s. The bucket's burst is far below the 10 % the lower bound leaves, so the lower
    // bound holds however fast the machine is; the upper bound only has to survive a loaded machine.
    private static readonly TimeSpan Nominal = TimeSpan.FromSeconds((double)Size / Rate);
    private static readonly TimeSpan AtLeast = Nominal * 0.9;
    private static readonly TimeSpan AtMost = Nominal * 3;

    private readonly string _policyFile = Path.GetTempFileName();
    private LoopbackHttpServer _http = null!;
    private LoopbackUdpEcho _udpEcho = null!;
    private ExternalNodeProcess _node = null!;

    public async Task InitializeAsync()
    {
        _http = new LoopbackHttpServer();
        _udpEcho = new LoopbackUdpEcho();
        await File.WriteAllTextAsync(_policyFile, $"""
            client pass from 127.0.0.0/8
            pass connect to 127.0.0.1
            pass udp to 127.0.0.1
            limit bandwidth {Rate}
            """);
        _node = await ExternalNodeProcess.StartAsync("127.0.0.1:0", new Dictionary<string, string> { ["FARM__POLICY__FILE"] = _policyFile });
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _udpEcho.DisposeAsync();
        await _http.DisposeAsync();
        File.Delete(_policyFile);
    }

    [Fact]
    public async Task Download_CurlThroughLimitedSession_TakesSizeOverRate()
    {
        var clock = Stopwatch.StartNew();
        var download = await Curl.GetAsync(_http.Url(Size), "--socks5", $"{_node.Endpoint.Address}:{_node.Endpoint.Port}");
        var elapsed = clock.Elapsed;

        output.WriteLine($"download: {Size} B in {elapsed.TotalSeconds:F3} s (size/rate {Nominal.TotalSeconds:F3} s)");
        Assert.True(download.ExitCode == 0, download.Error);
        Assert.Equal(_http.Content(Size), download.Body);
        Assert.True(elapsed >= AtLeast && elapsed <= AtMost, $"{Size} bytes at {Rate} B/s took {elapsed.TotalSeconds:F2} s; expected {AtLeast.TotalSeconds:F2}-{AtMost.TotalSeconds:F2} s");
    }

    [Fact]
    public async Task Upload_RawClientToSink_SinkReceivesAtRate()
    {
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sink.Listen();
        using var client = await ConnectAsync((IPEndPoint)sink.LocalEndPoint!);
        using var accepted = await sink.AcceptAsync();

        // Everything goes into the client's socket at once: only the node can hold it back.
        var send = SendAllAndCloseAsync(client.Socket, TestContent.Bytes(Size));
        var (received, elapsed) = await DrainAsync(accepted);
        await send;
        output.WriteLine($"upload: {received} B in {elapsed.TotalSeconds:F3} s (size/rate {Nominal.TotalSeconds:F3} s)");

        Assert.Equal(Size, received);
        Assert.True(elapsed >= AtLeast && elapsed <= AtMost, $"{Size} bytes up at {Rate} B/s took {elapsed.TotalSeconds:F2} s; expected {AtLeast.TotalSeconds:F2}-{AtMost.TotalSeconds:F2} s");
    }

    [Fact]
    public async Task BothWays_UploadAndDownloadAtOnce_EachHeldToRate()
    {
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sink.Listen();
        using var client = await ConnectAsync((IPEndPoint)sink.LocalEndPoint!);
        using var accepted = await sink.AcceptAsync();

        var up = SendAllAndCloseAsync(client.Socket, TestContent.Bytes(Size));
        var down = SendAllAndCloseAsync(accepted, TestContent.Bytes(Size));
        var upstreamSide = DrainAsync(accepted);
        var clientSide = DrainAsync(client.Socket);
        await Task.WhenAll(up, down);
        var (upReceived, upElapsed) = await upstreamSide;
        var (downReceived, downElapsed) = await clientSide;
        output.WriteLine($"both ways: up {upReceived} B in {upElapsed.TotalSeconds:F3} s, down {downReceived} B in {downElapsed.TotalSeconds:F3} s");

        Assert.Equal(Size, upReceived);
        Assert.Equal(Size, downReceived);
        Assert.True(upElapsed >= AtLeast && upElapsed <= AtMost, $"up took {upElapsed.TotalSeconds:F2} s");
        Assert.True(downElapsed >= AtLeast && downElapsed <= AtMost, $"down took {downElapsed.TotalSeconds:F2} s");
        var record = Assert.Single(await RecordsAsync(1));
        Assert.Equal(Size, record.GetProperty("bytes_up").GetInt64());
        Assert.Equal(Size, record.GetProperty("bytes_down").GetInt64());
    }

    [Fact]
    public async Task Udp_FloodOverRate_ExcessDroppedAndCountedLaterDatagramPasses()
    {
        const int Datagram = 1000;
        const int Flood = 400;
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        udp.ReceiveBufferSize = 1 << 20;
        using var control = await RawClient.ConnectAsync(_node.Endpoint);
        var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
        await control.SendAsync(0x05, 0x01, 0x00, 0x05, 0x03, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await control.ReceiveExactlyAsync(2));
        var reply = await control.ReceiveExactlyAsync(10);
        Assert.Equal(0x00, reply[1]);
        var relay = new IPEndPoint(new IPAddress(reply.AsSpan(4, 4)), (reply[8] << 8) | reply[9]);

        // 400 kB offered in well under a second, paced so that the node's socket buffer is not what drops them.
        var frame = Frame(_udpEcho.Endpoint, new byte[Datagram]);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Flood; i++)
        {
            await udp.SendToAsync(frame, SocketFlags.None, relay);
            if (i % 20 == 19)
            {
                await Task.Delay(1);
            }
        }

        var offeredFor = clock.Elapsed;
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var passed = _udpEcho.Received.Count;
        var allowed = (int)((offeredFor.TotalSeconds + 0.5) * Rate / Datagram) + 10;
        output.WriteLine($"udp: {passed} of {Flood} datagrams passed, offered in {offeredFor.TotalMilliseconds:F0} ms");
        Assert.True(passed > 0 && passed <= allowed, $"{passed} of {Flood} datagrams of {Datagram} B reached the destination in {offeredFor.TotalMilliseconds:F0} ms; at most {allowed} fit {Rate} B/s");

        // The limit sheds the excess only: after a pause the next datagram goes through.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = _udpEcho.Received.Count;
        await udp.SendToAsync(frame, SocketFlags.None, relay);
        await WaitUntilAsync(() => _udpEcho.Received.Count > before, TimeSpan.FromSeconds(5));

        control.Dispose();
        var record = Assert.Single(await RecordsAsync(1));
        // The kernel may drop some of the flood before the node reads it, so the record is held to what the node saw.
        var relayed = record.GetProperty("datagrams_up").GetInt64();
        var dropped = record.GetProperty("datagrams_dropped").GetInt64();
        Assert.True(relayed <= allowed + 1 && dropped >= Flood / 10, record.ToString());
    }

    private async Task<RawClient> ConnectAsync(IPEndPoint target)
    {
        var client = await RawClient.ConnectAsync(_node.Endpoint);
        var port = (ushort)target.Port;
        await client.SendAsync(0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2));
        Assert.Equal(0x00, (await client.ReceiveExactlyAsync(10))[1]);
        return client;
    }

    private static async Task SendAllAndCloseAsync(Socket socket, byte[] data)
    {
        await socket.SendAsync(data, SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Reads to the end; the clock starts at the first byte, so connecting is not timed.</summary>
    private static async Task<(int Received, TimeSpan Elapsed)> DrainAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(AtMost + TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var total = 0;
        Stopwatch? clock = null;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            if (read == 0)
            {
                return (total, clock?.Elapsed ?? TimeSpan.Zero);
            }

            clock ??= Stopwatch.StartNew();
            total += read;
        }
    }

    private async Task<IReadOnlyList<System.Text.Json.JsonElement>> RecordsAsync(int count)
    {
        await WaitUntilAsync(() => _node.SessionRecords().Count >= count, TimeSpan.FromSeconds(10));
        return _node.SessionRecords();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"condition not met within {timeout}");
            await Task.Delay(50);
        }
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
