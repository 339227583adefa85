using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Farm.Shared.Socks.Socks4;

/// <summary>
/// Writes SOCKS4 messages; each method returns the number of bytes written and throws an
/// <see cref="ArgumentException"/> when <c>destination</c> is too small for the message.
/// </summary>
public static class Socks4Writer
{
    public const int ReplyLength = 8;

    /// <summary>
    /// Server side:
    /// <code>
    /// +----+----+----+----+----+----+----+----+
    /// | VN | CD | DSTPORT |      DSTIP        |
    /// +----+----+----+----+----+----+----+----+
    ///    1    1      2              4
    /// </code>
    /// VN is 0. A null <paramref name="bound"/> is written as 0.0.0.0:0 and an IPv4-mapped address as IPv4.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="bound"/> is an IPv6 address, which SOCKS4 cannot carry.</exception>
    public static int WriteReply(Span<byte> destination, Socks4Reply reply, IPEndPoint? bound)
    {
        var span = destination[..ReplyLength];
        span[0] = 0x00;
        span[1] = (byte)reply;
        WriteAddress(span[2..], bound?.Address ?? IPAddress.Any, (ushort)(bound?.Port ?? 0), nameof(bound));
        return ReplyLength;
    }

    /// <summary>
    /// Client side: a SOCKS4 request, or a SOCKS4a one (DSTIP 0.0.0.1) when <paramref name="target"/> is a host name.
    /// The USERID is written as UTF-8.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An IPv6 target, a USERID longer than 255 bytes or containing NUL, or a host name that is empty, longer than 255
    /// bytes or not printable ASCII.
    /// </exception>
    public static int WriteRequest(Span<byte> destination, SocksCommand command, SocksDestination target, string userId)
    {
        if (userId.Contains('\0') || Encoding.UTF8.GetByteCount(userId) > Socks4RequestParser.MaxUserIdLength)
        {
            throw new ArgumentException("A USERID is at most 255 bytes of UTF-8 without NUL.", nameof(userId));
        }

        destination[0] = 0x04;
        destination[1] = (byte)command;
        if (target.Host is null)
        {
            WriteAddress(destination[2..], target.Address ?? IPAddress.Any, target.Port, nameof(target));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], target.Port);
            destination.Slice(4, 4).Clear();
            destination[7] = 0x01;
        }

        var length = 8 + Encoding.UTF8.GetBytes(userId, destination[8..]);
        destination[length++] = 0x00;
        if (target.Host is not null)
        {
            length += HostName.Encode(target.Host, destination[length..]);
            destination[length++] = 0x00;
        }

        return length;
    }

    private static void WriteAddress(Span<byte> destination, IPAddress address, ushort port, string parameterName)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("SOCKS4 carries only IPv4 addresses.", parameterName);
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, port);
        address.TryWriteBytes(destination.Slice(2, 4), out _);
    }
}
