using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;
using Farm.Shared.Security;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>The policy decides, on a real node, with real curl and raw clients.</summary>
public sealed class PolicyEnforcementTests : IAsyncLifetime
{
    // curl's exit code when the SOCKS proxy refuses the request.
    private const int CurlProxyHandshakeFailed = 97;
    private const int Size = 20_000;

    private LoopbackHttpServer _http = null!;
    private LoopbackHttpServer _otherHttp = null!;

    public Task InitializeAsync()
    {
        _http = new LoopbackHttpServer();
        _otherHttp = new LoopbackHttpServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _http.DisposeAsync();
        await _otherHttp.DisposeAsync();
    }

    [Fact]
    public async Task Connect_PermittedAndBlockedDestinations_PassAndReplyNotAllowed()
    {
        await using var node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            pass connect to 127.0.0.1 port {_http.Endpoint.Port} name http-only
            """);

        var allowed = await Curl.GetAsync(_http.Url(Size), "--socks5", node.ProxyAddress);
        var blocked = await Curl.GetAsync(_otherHttp.Url(Size), "--socks5", node.ProxyAddress);

        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.Equal(CurlProxyHandshakeFailed, blocked.ExitCode);
        var records = await node.SessionRecordsAsync(2);
        Assert.Contains(records, r => r.GetProperty("rule").GetString() == "http-only" && r.GetProperty("outcome").GetString() == "completed");
        Assert.Contains(records, r => r.GetProperty("rule").GetString() == "default" && r.GetProperty("reply").GetString() == "connection-not-allowed");
    }

    [Fact]
    public async Task Client_FromSourceWithoutClientRule_ClosedBeforeAnyReply()
    {
        await using var node = await FarmNodeHost.StartAsync(
            """
            client pass from 127.0.0.1
            pass connect to any
            """);

        var received = await ConnectSendAndReadFromAsync(IPAddress.Parse("127.0.0.2"), node.Endpoint);
        var curl = await Curl.GetAsync(_http.Url(Size), "--socks5", node.ProxyAddress, "--interface", "127.0.0.3");
        var insider = await Curl.GetAsync(_http.Url(Size), "--socks5", node.ProxyAddress);

        Assert.Empty(received);
        Assert.NotEqual(0, curl.ExitCode);
        Assert.True(insider.ExitCode == 0, insider.Error);
        var refusals = (await node.SessionRecordsAsync(3)).Where(r => r.GetProperty("outcome").GetString() == "client-refused").ToList();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, r => Assert.Equal("client", r.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Name_ResolvingIntoBlockedRange_RefusedNotDialed()
    {
        await using var node = await FarmNodeHost.StartAsync(PolicyFileSourceDefault());

        var download = await Curl.GetAsync(_http.Url(Size, "localhost"), "--socks5-hostname", node.ProxyAddress);

        Assert.Equal(CurlProxyHandshakeFailed, download.ExitCode);
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal("connection-not-allowed", record.GetProperty("reply").GetString());
        Assert.StartsWith("loopback", record.GetProperty("rule").GetString());
        Assert.Empty(_http.Peers);
    }

    [Fact]
    public async Task Listener_RuleAllowsOnlyAnotherListenerAddress_Refused()
    {
        await using var node = await FarmNodeHost.StartAsync(
            """
            client pass from 127.0.0.0/8 on 127.0.0.4
            pass connect to 127.0.0.0/8
            """,
            new Dictionary<string, string?> { ["Farm:Socks:Listeners:1"] = "127.0.0.4:0" });
        var second = node.Services.GetListenerEndpoints()[1];

        var wrongListener = await Curl.GetAsync(_http.Url(Size), "--socks5", node.ProxyAddress);
        var rightListener = await Curl.GetAsync(_http.Url(Size), "--socks5", $"{second.Address}:{second.Port}");

        Assert.NotEqual(0, wrongListener.ExitCode);
        Assert.True(rightListener.ExitCode == 0, rightListener.Error);
    }

    [Fact]
    public async Task SessionLimit_UserAtLimit_NextSessionRefusedUntilOneEnds()
    {
        var hash = PasswordHasher.Hash("pw", iterations: 1_000);
        await using var echo = new LoopbackEchoServer();
        await using var node = await FarmNodeHost.StartAsync(
            $"""
            client pass from 127.0.0.0/8
            user bob {hash}
            pass connect to 127.0.0.0/8 auth password
            limit user bob sessions 1
            """);

        using var first = await SocksConnectAsync(node, echo.Endpoint, "bob", "pw");
        Assert.Equal(0x00, first.Reply);
        using (var second = await SocksConnectAsync(node, echo.Endpoint, "bob", "pw"))
        {
            Assert.Equal(0x02, second.Reply);
        }

        first.Client.Dispose();
        var records = await node.SessionRecordsAsync(2);
        Assert.Contains(records, r => r.GetProperty("outcome").GetString() == "session-limit" && r.GetProperty("rule").GetString() == "limit line 4");
        await WaitUntilAsync(async () => (await node.SessionRecordsAsync(2)).Count >= 2);
        using var third = await SocksConnectAsync(node, echo.Endpoint, "bob", "pw");
        Assert.Equal(0x00, third.Reply);
    }

    private static string PolicyFileSourceDefault() => Farm.Shared.Policy.DefaultPolicy.ReadText();

    /// <summary>
    /// Connects from <paramref name="source"/>, offers a greeting and reads until closed. The node may
    /// reset the connection before the connect or the greeting completes here: refused before any reply.
    /// </summary>
    private static async Task<byte[]> ConnectSendAndReadFromAsync(IPAddress source, IPEndPoint endpoint)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64];
        var received = new List<byte>();
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token);
            await socket.SendAsync(new byte[] { 0x05, 0x01, 0x00 }, SocketFlags.None, deadline.Token);
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
        }

        return [.. received];
    }

    private static async Task<ConnectAttempt> SocksConnectAsync(FarmNodeHost node, IPEndPoint target, string user, string password)
    {
        var client = await RawClient.ConnectAsync(node.Endpoint);
        await client.SendAsync(0x05, 0x01, 0x02);
        await client.ReceiveExactlyAsync(2);
        await client.SendAsync([0x01, (byte)user.Length, .. System.Text.Encoding.ASCII.GetBytes(user), (byte)password.Length, .. System.Text.Encoding.ASCII.GetBytes(password)]);
        Assert.Equal(new byte[] { 0x01, 0x00 }, await client.ReceiveExactlyAsync(2));
        await client.SendAsync(0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(target.Port >> 8), (byte)target.Port);
        var reply = await client.ReceiveExactlyAsync(10);
        return new ConnectAttempt(client, reply[1]);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(50);
        }
    }

    private sealed record ConnectAttempt(RawClient Client, byte Reply) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }
}
