using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Farm.Node.Tests.Support;

/// <summary>Sends one SOCKS request (no authentication) and reads the reply; the connection stays open for more.</summary>
public sealed class SocksProbe : IDisposable
{
    private SocksProbe(RawClient client, byte reply, IPEndPoint? bound)
    {
        Client = client;
        Reply = reply;
        Bound = bound;
    }

    public RawClient Client { get; }

    /// <summary>The reply code: SOCKS5's REP, or SOCKS4's CD (0x5A granted, 0x5B refused).</summary>
    public byte Reply { get; }

    /// <summary>BND.ADDR:BND.PORT of a SOCKS5 reply.</summary>
    public IPEndPoint? Bound { get; }

    /// <param name="destination">An IP address, or a name sent as ATYP 0x03 exactly as given.</param>
    /// <param name="source">The client's own address (a loopback alias), 127.0.0.1 unless given.</param>
    public static async Task<SocksProbe> Socks5Async(IPEndPoint node, byte command, string destination, int port, IPAddress? source = null)
    {
        var client = await ConnectAsync(node, source);
        await client.SendAsync(0x05, 0x01, 0x00);
        var method = await client.ReceiveExactlyAsync(2);
        if (method[1] != 0x00)
        {
            return new SocksProbe(client, 0xFF, null);
        }

        var request = new List<byte> { 0x05, command, 0x00 };
        if (IPAddress.TryParse(destination, out var address))
        {
            request.Add(address.AddressFamily == AddressFamily.InterNetwork ? (byte)0x01 : (byte)0x04);
            request.AddRange(address.GetAddressBytes());
        }
        else
        {
            request.Add(0x03);
            request.Add((byte)destination.Length);
            request.AddRange(Encoding.ASCII.GetBytes(destination));
        }

        request.Add((byte)(port >> 8));
        request.Add((byte)port);
        await client.SendAsync([.. request]);
        var head = await client.ReceiveExactlyAsync(4);
        var bound = head[3] == 0x04 ? new IPAddress(await client.ReceiveExactlyAsync(16)) : new IPAddress(await client.ReceiveExactlyAsync(4));
        var boundPort = await client.ReceiveExactlyAsync(2);
        return new SocksProbe(client, head[1], new IPEndPoint(bound, (boundPort[0] << 8) | boundPort[1]));
    }

    /// <summary>A SOCKS4a CONNECT to a name (DSTIP 0.0.0.1).</summary>
    public static async Task<SocksProbe> Socks4aAsync(IPEndPoint node, string host, int port)
    {
        var client = await ConnectAsync(node, null);
        var request = new List<byte> { 0x04, 0x01, (byte)(port >> 8), (byte)port, 0, 0, 0, 1, 0 };
        request.AddRange(Encoding.ASCII.GetBytes(host));
        request.Add(0);
        await client.SendAsync([.. request]);
        var reply = await client.ReceiveExactlyAsync(8);
        return new SocksProbe(client, reply[1], null);
    }

    public void Dispose() => Client.Dispose();

    private static async Task<RawClient> ConnectAsync(IPEndPoint node, IPAddress? source)
    {
        if (source is null)
        {
            return await RawClient.ConnectAsync(node);
        }

        var socket = new Socket(node.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(node);
        return RawClient.Wrap(socket);
    }
}
