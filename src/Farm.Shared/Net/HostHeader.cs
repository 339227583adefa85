using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Net;

/// <summary>
/// An HTTP <c>Host</c> header parsed strictly (RFC 9110 / RFC 3986): a DNS name, a dotted-quad IPv4
/// address or a bracketed IPv6 address without zone, then optionally <c>:</c> and a port. Anything
/// else (userinfo, spaces, several ports, a leading zero, the short IPv4 forms <c>127.1</c> or
/// <c>0x7f.1</c> that the platform's address parser would take) is refused. Pure.
/// </summary>
public sealed record HostHeader(string Name, IPAddress? Address, int? Port)
{
    private const int MaxNameLength = 253;

    public static HostHeader? Parse(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        string name;
        string? port = null;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }

            name = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    return null;
                }

                port = rest[1..];
            }

            return IPv6(name) is { } v6 && ParsePort(port, out var p6) ? new HostHeader(name, v6, p6) : null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        name = colon < 0 ? text : text[..colon];
        port = colon < 0 ? null : text[(colon + 1)..];
        if (!ParsePort(port, out var p))
        {
            return null;
        }

        if (IPv4(name) is { } v4)
        {
            return new HostHeader(name, v4, p);
        }

        return IsDnsName(name) && !LooksNumeric(name) ? new HostHeader(name, null, p) : null;
    }

    /// <summary>1 to 5 digits, no leading zero, at most 65535; or no port at all.</summary>
    private static bool ParsePort(string? text, out int? port)
    {
        port = null;
        if (text is null)
        {
            return true;
        }

        if (text.Length is 0 or > 5 || (text.Length > 1 && text[0] == '0') || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        var value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        port = value;
        return value <= 65535;
    }

    /// <summary>Four decimal octets 0-255 without leading zeros: the only IPv4 form a browser sends.</summary>
    private static IPAddress? IPv4(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return null;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !part.All(char.IsAsciiDigit))
            {
                return null;
            }

            var value = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return null;
            }

            bytes[i] = (byte)value;
        }

        return new IPAddress(bytes);
    }

    private static IPAddress? IPv6(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
        && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address
            : null;

    /// <summary>Labels of letters, digits and hyphens (not at either end), 1-63 long, an optional final dot.</summary>
    private static bool IsDnsName(string text)
    {
        var name = text.EndsWith('.') ? text[..^1] : text;
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        return name.Split('.').All(label =>
            label.Length is > 0 and <= 63
            && label[0] != '-' && label[^1] != '-'
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }

    // A last label of digits or 0x-hex makes a browser read the name as an IPv4 address, in a form it never sends (127.1, 0x7f.1).
    private static bool LooksNumeric(string name)
    {
        var last = name.TrimEnd('.').Split('.')[^1];
        return last.All(char.IsAsciiDigit) || last.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
    }
}
