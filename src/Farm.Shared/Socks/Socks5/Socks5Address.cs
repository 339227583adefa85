using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// The ATYP, ADDR, PORT triple shared by requests, replies and UDP headers (RFC 1928 §4, §5):
/// <code>
/// +------+----------+----------+
/// | ATYP |   ADDR   |   PORT   |
/// +------+----------+----------+
/// |  1   | Variable |    2     |
/// +------+----------+----------+
/// </code>
/// ADDR is 4 bytes (IPv4), 16 bytes (IPv6) or a length byte followed by that many bytes of name.
/// </summary>
internal static class Socks5Address
{
    public const int MaxLength = 1 + 1 + HostName.MaxLength + 2;

    public static ParseStatus Parse(ReadOnlySpan<byte> source, out SocksDestination destination, out int length, out Socks5ParseError error)
    {
        destination = default;
        length = 0;
        error = Socks5ParseError.None;
        if (source.Length < 1)
        {
            return ParseStatus.Incomplete;
        }

        int addressLength;
        int addressStart;
        switch ((Socks5AddressType)source[0])
        {
            case Socks5AddressType.IPv4:
                addressStart = 1;
                addressLength = 4;
                break;
            case Socks5AddressType.IPv6:
                addressStart = 1;
                addressLength = 16;
                break;
            case Socks5AddressType.DomainName:
                if (source.Length < 2)
                {
                    return ParseStatus.Incomplete;
                }

                addressStart = 2;
                addressLength = source[1];
                if (addressLength == 0)
                {
                    error = Socks5ParseError.EmptyDomain;
                    return ParseStatus.Invalid;
                }

                break;
            default:
                error = Socks5ParseError.UnknownAddressType;
                return ParseStatus.Invalid;
        }

        var total = addressStart + addressLength + 2;
        if (source.Length < total)
        {
            return ParseStatus.Incomplete;
        }

        var address = source.Slice(addressStart, addressLength);
        var port = BinaryPrimitives.ReadUInt16BigEndian(source[(addressStart + addressLength)..]);
        if (source[0] == (byte)Socks5AddressType.DomainName)
        {
            if (!HostName.IsValid(address))
            {
                error = Socks5ParseError.BadDomain;
                return ParseStatus.Invalid;
            }

            destination = SocksDestination.FromHost(HostName.Decode(address), port);
        }
        else
        {
            destination = SocksDestination.FromAddress(new IPAddress(address), port);
        }

        length = total;
        return ParseStatus.Complete;
    }

    /// <summary>Writes an address; IPv4-mapped IPv6 addresses are written as IPv4, as clients expect.</summary>
    public static int Write(Span<byte> destination, IPAddress address, ushort port)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var isIPv4 = address.AddressFamily == AddressFamily.InterNetwork;
        var addressLength = isIPv4 ? 4 : 16;
        var span = destination[..(1 + addressLength + 2)];
        span[0] = (byte)(isIPv4 ? Socks5AddressType.IPv4 : Socks5AddressType.IPv6);
        address.TryWriteBytes(span.Slice(1, addressLength), out _);
        BinaryPrimitives.WriteUInt16BigEndian(span[(1 + addressLength)..], port);
        return span.Length;
    }

    /// <exception cref="ArgumentException">A host name that is empty, longer than 255 bytes or not printable ASCII.</exception>
    public static int Write(Span<byte> destination, SocksDestination address)
    {
        if (address.Host is null)
        {
            return Write(destination, address.Address ?? IPAddress.Any, address.Port);
        }

        destination[0] = (byte)Socks5AddressType.DomainName;
        var nameLength = HostName.Encode(address.Host, destination[2..]);
        destination[1] = (byte)nameLength;
        BinaryPrimitives.WriteUInt16BigEndian(destination[(2 + nameLength)..], address.Port);
        return 2 + nameLength + 2;
    }
}
