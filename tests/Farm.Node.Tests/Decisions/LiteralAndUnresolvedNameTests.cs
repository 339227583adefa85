using System.Net;
using System.Net.Sockets;
using System.Text;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Decisions;

/// <summary>
/// Names that are IP literals are decided as those addresses, and a name that does not resolve gets a
/// reply: found by an outsider's attack ("0.0.0.0" as a name reset the session with a stack trace; a BIND
/// to an unresolvable name was left without a reply).
/// </summary>
public sealed class LiteralAndUnresolvedNameTests
{
    private const string Policy = """
        client pass from 127.0.0.0/8
        block any to 0.0.0.0/8, ::/128 name unspecified
        pass connect to any
        pass bind to any
        """;

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0")]
    [InlineData("::")]
    public async Task Connect_NameThatIsAnUnspecifiedLiteral_RefusedByTheAddressRule(string name)
    {
        await using var node = await FarmNodeHost.StartAsync(Policy);

        var reply = await RequestByNameAsync(node.Endpoint, command: 0x01, name, 80);

        Assert.Equal(0x02, reply);
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal("refused", record.GetProperty("outcome").GetString());
        Assert.Equal("unspecified", record.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Bind_NameThatDoesNotResolve_RepliesHostUnreachable()
    {
        await using var node = await FarmNodeHost.StartAsync(Policy);

        var reply = await RequestByNameAsync(node.Endpoint, command: 0x02, "no-such-name.invalid", 21);

        Assert.Equal(0x04, reply);
        Assert.Single(await node.SessionRecordsAsync(1));
    }

    /// <summary>A SOCKS5 request with the destination sent as a name (ATYP 0x03) even when it reads as an address; the reply code.</summary>
    private static async Task<byte> RequestByNameAsync(IPEndPoint node, byte command, string name, int port)
    {
        using var client = new Socket(node.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client.ConnectAsync(node, deadline.Token);
        await client.SendAsync(new byte[] { 0x05, 0x01, 0x00 }, SocketFlags.None, deadline.Token);
        var method = new byte[2];
        await ReceiveExactlyAsync(client, method, deadline.Token);
        Assert.Equal(0x00, method[1]);
        byte[] request = [0x05, command, 0x00, 0x03, (byte)name.Length, .. Encoding.ASCII.GetBytes(name), (byte)(port >> 8), (byte)port];
        await client.SendAsync(request, SocketFlags.None, deadline.Token);
        var head = new byte[2];
        await ReceiveExactlyAsync(client, head, deadline.Token);
        return head[1];
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancel)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancel);
            Assert.True(n > 0, $"the node closed the connection after {read} of {buffer.Length} reply bytes");
            read += n;
        }
    }
}
