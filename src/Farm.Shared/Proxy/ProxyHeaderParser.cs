using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Farm.Shared.Socks;

namespace Farm.Shared.Proxy;

/// <summary>
/// Parses the PROXY protocol header (HAProxy's specification, versions 1 and 2) at the start of a
/// connection. Pure: given the bytes received so far, it says complete (with the header's length),
/// incomplete, or invalid (with why), and gives the same answer however the bytes were split.
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>The v1 line's longest form, CRLF included (the specification's 107 bytes).</summary>
    public const int MaxV1Length = 107;

    /// <summary>The longest v2 header accepted: the addresses and a few TLVs; anything longer is refused.</summary>
    public const int MaxV2Length = 16 + 496;

    /// <summary>The longest header of either version.</summary>
    public const int MaxLength = MaxV2Length;

    private static readonly byte[] V1Signature = "PROXY "u8.ToArray();
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static ParseStatus TryParse(ReadOnlySpan<byte> data, out ProxyHeader? header, out int consumed, out ProxyHeaderError error)
    {
        header = null;
        consumed = 0;
        error = ProxyHeaderError.None;
        if (StartsWith(data, V2Signature) is var v2 && v2 == Match.Full)
        {
            return ParseV2(data, out header, out consumed, out error);
        }

        if (StartsWith(data, V1Signature) is var v1 && v1 == Match.Full)
        {
            return ParseV1(data, out header, out consumed, out error);
        }

        if (v1 == Match.Prefix || v2 == Match.Prefix)
        {
            return ParseStatus.Incomplete;
        }

        error = ProxyHeaderError.Missing;
        return ParseStatus.Invalid;
    }

    private static ParseStatus ParseV1(ReadOnlySpan<byte> data, out ProxyHeader? header, out int consumed, out ProxyHeaderError error)
    {
        header = null;
        consumed = 0;
        error = ProxyHeaderError.Malformed;
        var window = data[..Math.Min(data.Length, MaxV1Length)];
        var end = window.IndexOf("\r\n"u8);
        if (end < 0)
        {
            if (data.Length < MaxV1Length && window.IndexOf((byte)'\n') < 0)
            {
                error = ProxyHeaderError.None;
                return ParseStatus.Incomplete;
            }

            return ParseStatus.Invalid;
        }

        var line = window[..end];
        foreach (var b in line)
        {
            if (b < 0x20 || b > 0x7E)
            {
                return ParseStatus.Invalid;
            }
        }

        var fields = Encoding.ASCII.GetString(line).Split(' ');
        if (fields.Length >= 2 && fields[1] == "UNKNOWN")
        {
            // The sender could not tell the client (the specification: ignore the rest of the line).
            header = ProxyHeader.Local(1);
        }
        else if (fields.Length == 6 && fields[1] is "TCP4" or "TCP6"
            && TryAddress(fields[2], fields[1] == "TCP6", out var source) && TryAddress(fields[3], fields[1] == "TCP6", out var destination)
            && TryPort(fields[4], out var sourcePort) && TryPort(fields[5], out var destinationPort))
        {
            header = new ProxyHeader(1, ProxyCommand.Proxy, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        }
        else
        {
            return ParseStatus.Invalid;
        }

        consumed = end + 2;
        error = ProxyHeaderError.None;
        return ParseStatus.Complete;
    }

    private static ParseStatus ParseV2(ReadOnlySpan<byte> data, out ProxyHeader? header, out int consumed, out ProxyHeaderError error)
    {
        header = null;
        consumed = 0;
        error = ProxyHeaderError.None;
        if (data.Length < 16)
        {
            return ParseStatus.Incomplete;
        }

        var versionCommand = data[12];
        var family = data[13];
        var length = BinaryPrimitives.ReadUInt16BigEndian(data[14..16]);
        var command = versionCommand & 0x0F;
        if (versionCommand >> 4 != 2 || command > 1 || 16 + length > MaxV2Length)
        {
            error = ProxyHeaderError.Malformed;
            return ParseStatus.Invalid;
        }

        if (data.Length < 16 + length)
        {
            return ParseStatus.Incomplete;
        }

        var body = data.Slice(16, length);
        if (command == 0)
        {
            // LOCAL: the proxy speaking for itself (health checks); whatever addresses follow are ignored.
            header = ProxyHeader.Local(2);
        }
        else if (family == 0x11 && body.Length >= 12)
        {
            header = new ProxyHeader(2, ProxyCommand.Proxy, new IPEndPoint(new IPAddress(body[..4]), Port(body[8..])), new IPEndPoint(new IPAddress(body[4..8]), Port(body[10..])));
        }
        else if (family == 0x21 && body.Length >= 36)
        {
            header = new ProxyHeader(2, ProxyCommand.Proxy, new IPEndPoint(new IPAddress(body[..16]), Port(body[32..])), new IPEndPoint(new IPAddress(body[16..32]), Port(body[34..])));
        }
        else
        {
            error = family is 0x11 or 0x21 ? ProxyHeaderError.Malformed : ProxyHeaderError.UnsupportedFamily;
            return ParseStatus.Invalid;
        }

        consumed = 16 + length;
        return ParseStatus.Complete;
    }

    private static int Port(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt16BigEndian(bytes);

    /// <summary>Strict: dotted quad for TCP4, a colon form for TCP6 (no "1" meaning 0.0.0.1, no zone).</summary>
    private static bool TryAddress(string text, bool v6, out IPAddress address)
    {
        address = IPAddress.None;
        if (v6 ? !text.Contains(':', StringComparison.Ordinal) || text.Contains('%', StringComparison.Ordinal) : text.Count(c => c == '.') != 3 || !text.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return false;
        }

        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != (v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static bool TryPort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0')
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
    }

    private static Match StartsWith(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var compared = Math.Min(data.Length, signature.Length);
        return !data[..compared].SequenceEqual(signature[..compared]) ? Match.None
            : compared == signature.Length ? Match.Full
            : Match.Prefix;
    }

    private enum Match
    {
        None,
        Prefix,
        Full,
    }
}
