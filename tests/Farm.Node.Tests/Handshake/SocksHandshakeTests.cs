using System.Net;
using System.Net.Sockets;
using System.Text;
using Farm.Node.Authentication;
using Farm.Node.Handshake;
using Farm.Node.Tests.Support;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Handshake;

/// <summary>The SOCKS negotiation on a real loopback connection, the test playing the client byte by byte.</summary>
public sealed class SocksHandshakeTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);
    private static readonly IPAddress Loopback = IPAddress.Loopback;
    private readonly PasswordVerifier _passwords = new(1, 4, new PasswordFailureThrottle(100, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), new FakeTimeProvider()));
    private Socket _near = null!;
    private Socket _far = null!;

    public async Task InitializeAsync() => (_near, _far) = await SocketPair.CreateAsync();

    public Task DisposeAsync()
    {
        _near.Dispose();
        _far.Dispose();
        _passwords.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Socks5_NoAuthConnectToName_InOneWrite_GivesTheRequest_AndKeepsTheBytesAfterIt()
    {
        // Greeting (no auth), CONNECT example.com:443 and optimistic data, as one segment.
        byte[] host = Encoding.ASCII.GetBytes("example.com");
        await SendAsync([5, 1, 0, 5, 1, 0, 3, (byte)host.Length, .. host, 1, 187, .. "hello"u8.ToArray()]);

        var result = await RunAsync("client pass from any\npass connect from any to any\n");

        Assert.Equal(HandshakeFailure.None, result.Failure);
        var request = result.Request!;
        Assert.Equal((SocksVersion.Socks5, SocksCommand.Connect, "example.com", (ushort)443, AuthMethod.None), (request.Version, request.Command, request.Destination.Host, request.Destination.Port, request.Auth));
        Assert.Equal("hello", Encoding.ASCII.GetString(request.Pending!));
        Assert.Equal([5, 0], await ReceiveAsync(2));
    }

    [Fact]
    public async Task Preface_ReadBeforeTheSocket_TheGreetingSplitAcrossBoth()
    {
        // What followed a PROXY header (the greeting's first two bytes), then the rest from the socket.
        await SendAsync([0, 5, 1, 0, 1, 198, 51, 100, 7, 0, 80]);

        var result = await RunAsync("client pass from any\npass connect from any to any\n", preface: [5, 1]);

        Assert.Equal(HandshakeFailure.None, result.Failure);
        Assert.Equal("198.51.100.7:80", result.Request!.Destination.ToString());
        Assert.Equal([5, 0], await ReceiveAsync(2));
    }

    [Fact]
    public async Task Socks4a_ConnectToName_GivesAVersion4Request_WithNoPendingBytes()
    {
        await SendAsync([4, 1, 0, 80, 0, 0, 0, 1, .. "bob"u8.ToArray(), 0, .. "example.org"u8.ToArray(), 0]);

        var result = await RunAsync("client pass from any\npass connect from any to any\n");

        var request = result.Request!;
        Assert.Equal((SocksVersion.Socks4, "example.org", (ushort)80), (request.Version, request.Destination.Host, request.Destination.Port));
        Assert.Null(request.Pending);
    }

    [Fact]
    public async Task UnknownFirstByte_UnknownProtocol_AndNothingAnswered()
    {
        await SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());

        var result = await RunAsync("client pass from any\npass connect from any to any\n");

        Assert.Equal(HandshakeFailure.UnknownProtocol, result.Failure);
        _near.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await _far.ReceiveAsync(new byte[16]).WaitAsync(Generous));
    }

    [Fact]
    public async Task PasswordRequired_ClientOffersOnlyNoAuth_NoAcceptableMethodsReply()
    {
        await SendAsync([5, 1, 0]);

        var result = await RunAsync("client pass from any\npass connect from any to any auth password\n");

        Assert.Equal((HandshakeFailure.NoAcceptableMethod, (SocksVersion?)SocksVersion.Socks5), (result.Failure, result.Version));
        Assert.Equal([5, 0xFF], await ReceiveAsync(2));
    }

    [Fact]
    public async Task Socks5_UnknownCommand_AnsweredCommandNotSupported()
    {
        await SendAsync([5, 1, 0, 5, 9, 0, 1, 198, 51, 100, 1, 0, 80]);

        var result = await RunAsync("client pass from any\npass connect from any to any\n");

        Assert.Equal(HandshakeFailure.UnsupportedCommand, result.Failure);
        var answer = await ReceiveAsync(4);
        Assert.Equal([5, 0, 5, 7], answer);
    }

    [Fact]
    public async Task ClientClosesBeforeAByte_ClientClosed()
    {
        _far.Shutdown(SocketShutdown.Send);

        var result = await RunAsync("client pass from any\npass connect from any to any\n");

        Assert.Equal(HandshakeFailure.ClientClosed, result.Failure);
    }

    [Fact]
    public async Task SilentClient_TimesOutAtTheDeadline_AndAKillEndsIt_AsKilled()
    {
        var timedOut = await RunAsync("client pass from any\npass connect from any to any\n", TimeSpan.FromMilliseconds(300));
        Assert.Equal(HandshakeFailure.Timeout, timedOut.Failure);

        using var kill = new CancellationTokenSource();
        var running = RunAsync("client pass from any\npass connect from any to any\n", Generous, kill.Token);
        kill.Cancel();
        Assert.Equal(HandshakeFailure.Killed, (await running).Failure);
    }

    private async Task<HandshakeResult> RunAsync(string policy, TimeSpan? timeout = null, CancellationToken kill = default, byte[]? preface = null)
    {
        var compiled = CompiledPolicy.Compile(PolicyParser.Parse(policy).Document!);
        return await SocksHandshake.RunAsync(_near, preface, compiled, Loopback, Loopback, _passwords, null, timeout ?? Generous, kill).WaitAsync(Generous);
    }

    private async Task SendAsync(byte[] bytes) => Assert.Equal(bytes.Length, await _far.SendAsync(bytes));

    private async Task<byte[]> ReceiveAsync(int count)
    {
        var buffer = new byte[count];
        for (var filled = 0; filled < count;)
        {
            var read = await _far.ReceiveAsync(buffer.AsMemory(filled)).AsTask().WaitAsync(Generous);
            Assert.NotEqual(0, read);
            filled += read;
        }

        return buffer;
    }
}
