using System.Net;
using System.Text;

namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// Writes SOCKS5 messages; each method returns the number of bytes written and throws
/// an <see cref="ArgumentException"/> when <c>destination</c> is too small for the message.
/// </summary>
public static class Socks5Writer
{
    public const int MaxReplyLength = 3 + Socks5Address.MaxLength;
    public const int MaxRequestLength = 3 + Socks5Address.MaxLength;
    public const int MaxUdpHeaderLength = 3 + Socks5Address.MaxLength;
    public const int MaxGreetingLength = 2 + 255;
    public const int MaxPasswordRequestLength = 1 + 1 + 255 + 1 + 255;

    /// <summary>Server side: VER, METHOD.</summary>
    public static int WriteMethodSelection(Span<byte> destination, Socks5AuthMethod method)
    {
        var span = destination[..2];
        span[0] = 0x05;
        span[1] = (byte)method;
        return 2;
    }

    /// <summary>Server side: VER X'01', STATUS X'00' on success and X'01' on failure (RFC 1929).</summary>
    public static int WritePasswordStatus(Span<byte> destination, bool success)
    {
        var span = destination[..2];
        span[0] = 0x01;
        span[1] = success ? (byte)0x00 : (byte)0x01;
        return 2;
    }

    /// <summary>
    /// Server side: VER, REP, RSV, ATYP, BND.ADDR, BND.PORT. A null <paramref name="bound"/> is written as 0.0.0.0:0,
    /// and an IPv4-mapped IPv6 address as IPv4.
    /// </summary>
    public static int WriteReply(Span<byte> destination, Socks5Reply reply, IPEndPoint? bound)
    {
        destination[..3].Clear();
        destination[0] = 0x05;
        destination[1] = (byte)reply;
        return 3 + Socks5Address.Write(destination[3..], bound?.Address ?? IPAddress.Any, (ushort)(bound?.Port ?? 0));
    }

    /// <summary>Server side: the header in front of a datagram relayed back to the client, FRAG X'00'.</summary>
    public static int WriteUdpHeader(Span<byte> destination, IPEndPoint source) =>
        WriteUdpHeader(destination, SocksDestination.FromAddress(source.Address, (ushort)source.Port));

    /// <summary>Client side: the header in front of a datagram sent to the relay.</summary>
    /// <exception cref="ArgumentException">A host name that is empty, longer than 255 bytes or not printable ASCII.</exception>
    public static int WriteUdpHeader(Span<byte> destination, SocksDestination target, byte fragment = 0)
    {
        destination[..3].Clear();
        destination[2] = fragment;
        return 3 + Socks5Address.Write(destination[3..], target);
    }

    /// <summary>Client side: VER, NMETHODS, METHODS.</summary>
    /// <exception cref="ArgumentException">No method, or more than 255.</exception>
    public static int WriteGreeting(Span<byte> destination, params ReadOnlySpan<Socks5AuthMethod> methods)
    {
        if (methods.Length is 0 or > 255)
        {
            throw new ArgumentException("A greeting offers 1 to 255 methods.", nameof(methods));
        }

        var span = destination[..(2 + methods.Length)];
        span[0] = 0x05;
        span[1] = (byte)methods.Length;
        for (var i = 0; i < methods.Length; i++)
        {
            span[2 + i] = (byte)methods[i];
        }

        return span.Length;
    }

    /// <summary>Client side: the RFC 1929 request, both fields UTF-8.</summary>
    /// <exception cref="ArgumentException">A field that is empty or longer than 255 bytes.</exception>
    public static int WritePasswordRequest(Span<byte> destination, string user, string password)
    {
        var userLength = Encoding.UTF8.GetByteCount(user);
        var passwordLength = Encoding.UTF8.GetByteCount(password);
        if (userLength is 0 or > 255)
        {
            throw new ArgumentException("A user name is 1 to 255 bytes of UTF-8.", nameof(user));
        }

        if (passwordLength is 0 or > 255)
        {
            throw new ArgumentException("A password is 1 to 255 bytes of UTF-8.", nameof(password));
        }

        var span = destination[..(3 + userLength + passwordLength)];
        span[0] = 0x01;
        span[1] = (byte)userLength;
        Encoding.UTF8.GetBytes(user, span[2..]);
        span[2 + userLength] = (byte)passwordLength;
        Encoding.UTF8.GetBytes(password, span[(3 + userLength)..]);
        return span.Length;
    }

    /// <summary>Client side: VER, CMD, RSV, ATYP, DST.ADDR, DST.PORT; a host name goes as ATYP X'03'.</summary>
    /// <exception cref="ArgumentException">A host name that is empty, longer than 255 bytes or not printable ASCII.</exception>
    public static int WriteRequest(Span<byte> destination, SocksCommand command, SocksDestination target)
    {
        destination[..3].Clear();
        destination[0] = 0x05;
        destination[1] = (byte)command;
        return 3 + Socks5Address.Write(destination[3..], target);
    }
}
