using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Farm.Bench.Client;

/// <summary>
/// The client side of RFC 1928 with no authentication and an IPv4 CONNECT or UDP ASSOCIATE. Greeting and request
/// are sent in two round trips, as ordinary clients do, so that no proxy is favoured by pipelining.
/// </summary>
public static class Socks5Handshake
{
    private const byte Version = 5;
    private const byte NoAuthentication = 0;
    private const byte Connect = 1;
    private const byte UdpAssociate = 3;
    private const byte AddressIPv4 = 1;
    private const byte AddressDomain = 3;
    private const byte AddressIPv6 = 4;

    public static async ValueTask ConnectAsync(Socket socket, IPEndPoint destination, CancellationToken ct) =>
        await RequestAsync(socket, Connect, destination, ct);

    /// <summary>UDP ASSOCIATE announcing the client's datagram endpoint; returns the relay's address.</summary>
    public static ValueTask<IPEndPoint> AssociateAsync(Socket socket, IPEndPoint clientDatagrams, CancellationToken ct) =>
        RequestAsync(socket, UdpAssociate, clientDatagrams, ct);

    private static async ValueTask<IPEndPoint> RequestAsync(Socket socket, byte command, IPEndPoint destination, CancellationToken ct)
    {
        var buffer = new byte[262];

        buffer[0] = Version;
        buffer[1] = 1;
        buffer[2] = NoAuthentication;
        await SocketIo.SendAllAsync(socket, buffer.AsMemory(0, 3), ct);
        await SocketIo.ReceiveExactlyAsync(socket, buffer.AsMemory(0, 2), ct);
        if (buffer[0] != Version || buffer[1] != NoAuthentication)
        {
            throw new Socks5Exception($"method selection answered {buffer[0]:x2} {buffer[1]:x2}");
        }

        buffer[0] = Version;
        buffer[1] = command;
        buffer[2] = 0;
        buffer[3] = AddressIPv4;
        if (!destination.Address.TryWriteBytes(buffer.AsSpan(4, 4), out var written) || written != 4)
        {
            throw new ArgumentException("IPv4 destinations only", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(8, 2), (ushort)destination.Port);
        await SocketIo.SendAllAsync(socket, buffer.AsMemory(0, 10), ct);

        await SocketIo.ReceiveExactlyAsync(socket, buffer.AsMemory(0, 5), ct);
        if (buffer[0] != Version || buffer[1] != 0)
        {
            throw new Socks5Exception($"command {command} answered reply code {buffer[1]}");
        }

        // The bound address: its length depends on its type, and its first byte (already read) is the domain
        // length when the type is a name. A name is read and dropped (the bench never asks for one).
        var remaining = buffer[3] switch
        {
            AddressIPv4 => 4 - 1 + 2,
            AddressIPv6 => 16 - 1 + 2,
            AddressDomain => buffer[4] + 2,
            _ => throw new Socks5Exception($"reply with address type {buffer[3]}"),
        };
        await SocketIo.ReceiveExactlyAsync(socket, buffer.AsMemory(5, remaining), ct);
        var port = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(5 + remaining - 2, 2));
        return buffer[3] switch
        {
            AddressIPv4 => new IPEndPoint(new IPAddress(buffer.AsSpan(4, 4)), port),
            AddressIPv6 => new IPEndPoint(new IPAddress(buffer.AsSpan(4, 16)), port),
            _ => new IPEndPoint(IPAddress.None, port),
        };
    }
}
