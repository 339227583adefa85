using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Decisions;

/// <summary>BIND to a name needs a bind pass rule before any listener is opened.</summary>
public sealed class BindDecisionTests
{
    /// <summary>Only this suite's nodes listen here, so any other listener on it is one a BIND opened.</summary>
    private const string NodeAddress = "127.0.0.28";

    [Theory]
    [InlineData("localhost")]
    [InlineData("LocalHost")]
    [InlineData("127.0.0.1")]
    public async Task Bind_NoBindRule_RefusedAndNoListenerOpened(string destination)
    {
        await using var node = await StartAsync(
            """
            client pass from 127.0.0.0/8
            pass connect to localhost, 127.0.0.1
            """);

        using var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x02, destination, 21);

        Assert.Equal(0x02, probe.Reply);
        Assert.Equal([node.Endpoint.Port], ListeningPorts(IPAddress.Parse(NodeAddress)));
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal("block", record.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Bind_NameBlockedExplicitly_RefusedAndNoListenerOpened()
    {
        await using var node = await StartAsync(
            """
            client pass from 127.0.0.0/8
            block bind to localhost name no-bind-name
            pass bind to 127.0.0.1
            """);

        using var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x02, "localhost", 21);

        Assert.Equal(0x02, probe.Reply);
        Assert.Equal([node.Endpoint.Port], ListeningPorts(IPAddress.Parse(NodeAddress)));
        Assert.Equal("no-bind-name", Assert.Single(await node.SessionRecordsAsync(1)).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Bind_NameWithBindRule_ListensAndAdmitsThePeer()
    {
        await using var node = await StartAsync(
            """
            client pass from 127.0.0.0/8
            pass bind to localhost name bind-name
            """);

        using var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x02, "localhost", 21);
        Assert.Equal(0x00, probe.Reply);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await peer.ConnectAsync(probe.Bound!);
        var second = await probe.Client.ReceiveExactlyAsync(10);

        Assert.Equal(0x00, second[1]);
        await peer.SendAsync(new byte[] { 7, 8 }, SocketFlags.None);
        Assert.Equal(new byte[] { 7, 8 }, await probe.Client.ReceiveExactlyAsync(2));
    }

    /// <summary>
    /// RFC 1928: the host connecting in should be the destination named. Another host's connection is closed
    /// and counted, and the BIND goes on waiting for the expected peer (a stranger cannot end it).
    /// </summary>
    [Fact]
    public async Task Bind_WrongPeerFirst_ClosedCountedAndTheExpectedPeerStillAdmitted()
    {
        await using var node = await StartAsync(
            """
            client pass from 127.0.0.0/8
            pass bind to 127.0.0.1 name bind-local
            """);
        using var probe = await SocksProbe.Socks5Async(node.Endpoint, 0x02, "127.0.0.1", 21);
        Assert.Equal(0x00, probe.Reply);

        var strangerGot = await StrangerConnectsAsync(probe.Bound!);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await peer.ConnectAsync(probe.Bound!);
        var second = await probe.Client.ReceiveExactlyAsync(10);
        await peer.SendAsync(new byte[] { 7, 8 }, SocketFlags.None);
        var relayed = await probe.Client.ReceiveExactlyAsync(2);
        var scrape = await PrometheusScrape.GetAsync(node.TelemetryUri);

        Assert.Empty(strangerGot);
        Assert.Equal(0x00, second[1]);
        Assert.Equal(((IPEndPoint)peer.LocalEndPoint!).Port, (second[8] << 8) | second[9]);
        Assert.Equal(new byte[] { 7, 8 }, relayed);
        Assert.Equal(1, scrape.Value("farm_bind_peers_refused_total"));
    }

    /// <summary>Connects from 127.0.0.2 and reads until the node closes; the node's reset may even beat the connect's completion.</summary>
    private static async Task<byte[]> StrangerConnectsAsync(IPEndPoint port)
    {
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stranger.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        try
        {
            await stranger.ConnectAsync(port);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return [];
        }

        using var client = RawClient.Wrap(stranger);
        return await client.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(10));
    }

    private static Task<FarmNodeHost> StartAsync(string policy) =>
        FarmNodeHost.StartAsync(policy, new Dictionary<string, string?> { ["Farm:Socks:Listeners:0"] = $"{NodeAddress}:0", ["Farm:Socks:BindTimeout"] = "00:00:15" });

    /// <summary>The TCP ports in LISTEN state on <paramref name="address"/>, from the kernel's own table.</summary>
    private static List<int> ListeningPorts(IPAddress address)
    {
        var hex = Convert.ToHexString(address.GetAddressBytes().Reverse().ToArray());
        return [.. File.ReadLines("/proc/net/tcp")
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A" && f[1].StartsWith(hex + ":", StringComparison.Ordinal))
            .Select(f => int.Parse(f[1].AsSpan(hex.Length + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Order()];
    }
}
