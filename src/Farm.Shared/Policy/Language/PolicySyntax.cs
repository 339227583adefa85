using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Policy;

/// <summary>The lexical forms shared by the parser and the printer: addresses, names, ports, durations, rates.</summary>
internal static class PolicySyntax
{
    public const int MaxCredentialLength = 255;

    /// <summary>
    /// Dotted-quad IPv4 or IPv6 only: <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> alone would
    /// read "10.1" as 10.0.0.1, a classic way to write a rule that means something else. An octet with a
    /// leading zero is refused for the same reason: "010" is 8 to inet_aton (and to IPAddress.Parse, which
    /// throws on "08"), 10 to whoever wrote it.
    /// </summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            if (text.Contains('%') || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6;
            return true;
        }

        var parts = text.Split('.');
        if (parts.Length != 4 || !parts.All(IsDecimalOctet))
        {
            return false;
        }

        address = new IPAddress([.. parts.Select(part => byte.Parse(part, CultureInfo.InvariantCulture))]);
        return true;
    }

    private static bool IsDecimalOctet(string part) =>
        part.Length is >= 1 and <= 3 && part.All(char.IsAsciiDigit) && (part.Length == 1 || part[0] != '0')
        && int.Parse(part, CultureInfo.InvariantCulture) <= 255;

    private static bool HasLeadingZeroOctet(string text) =>
        !text.Contains(':') && text.Split('.').Any(part => part.Length > 1 && part[0] == '0' && part.All(char.IsAsciiDigit));

    public static bool LooksLikeAddress(string text) => text.Contains(':') || text.All(c => char.IsAsciiDigit(c) || c == '.' || c == '/');

    public static bool TryParseNetwork(string text, out IPNetwork network, out string? error)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addressText, out var address))
        {
            error = HasLeadingZeroOctet(addressText)
                ? $"'{text}' has an IPv4 octet with a leading zero, which other tools read as octal: write it without"
                : $"'{text}' is not an IP address or CIDR network";
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) || (prefix = int.Parse(prefixText, CultureInfo.InvariantCulture)) > bits)
            {
                error = $"'{text}' has an invalid prefix length (0 to {bits})";
                return false;
            }
        }

        if (IpKey.HasHostBits(address, prefix))
        {
            error = $"'{text}' has bits set after the /{prefix} prefix";
            return false;
        }

        network = new IPNetwork(address, prefix);
        error = null;
        return true;
    }

    public static string FormatNetwork(IPNetwork network) =>
        network.PrefixLength == (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            ? network.BaseAddress.ToString()
            : network.ToString();

    /// <summary>Lower-cases and drops one trailing dot; null when the text is not a DNS name.</summary>
    public static string? NormalizeHost(string text)
    {
        var host = text.EndsWith('.') ? text[..^1] : text;
        if (host.Length is 0 or > 253)
        {
            return null;
        }

        foreach (var label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return null;
            }
        }

        return host.ToLowerInvariant();
    }

    /// <summary>User, group and rule names: no white space, commas, quotes or comment marks, so they print bare.</summary>
    public static bool IsValidName(string text) =>
        text.Length is > 0 and <= MaxCredentialLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@');

    public static bool IsValidRealm(string text) =>
        text.Length is > 0 and <= MaxCredentialLength && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    /// <summary>A name with '@' that no <c>user</c> statement defines is a Kerberos principal (GSSAPI), not a password user.</summary>
    public static bool IsPrincipal(string text) => text.Contains('@', StringComparison.Ordinal);

    public static bool TryParsePorts(string text, out PortRange range)
    {
        range = default;
        var dash = text.IndexOf('-');
        if (dash < 0)
        {
            if (!TryParsePort(text, out var port))
            {
                return false;
            }

            range = new PortRange(port, port);
            return true;
        }

        if (!TryParsePort(text[..dash], out var first) || !TryParsePort(text[(dash + 1)..], out var last) || first > last)
        {
            return false;
        }

        range = new PortRange(first, last);
        return true;
    }

    public static bool TryParsePort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit)
            && (port = int.Parse(text, CultureInfo.InvariantCulture)) <= 65535;
    }

    private static readonly (string Suffix, long Milliseconds)[] DurationUnits =
    [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ];

    /// <summary>Longer than any sane timeout, and well inside <see cref="TimeSpan"/>.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        foreach (var (suffix, ms) in DurationUnits.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.Length > suffix.Length && text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && TryParsePositive(text[..^suffix.Length], 9, out var value)
                && value * ms <= MaxDuration.TotalMilliseconds)
            {
                duration = TimeSpan.FromMilliseconds(value * ms);
                return true;
            }
        }

        return false;
    }

    public static string FormatDuration(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        var (suffix, unit) = DurationUnits.First(u => ms % u.Milliseconds == 0);
        return $"{ms / unit}{suffix}";
    }

    private static readonly (string Suffix, long Factor)[] RateUnits =
    [
        ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1_000), ("", 1),
    ];

    /// <summary>1 TB/s: far above any link, far below overflow.</summary>
    public const long MaxRate = 1_000_000_000_000;

    /// <summary>Bytes per second with an optional decimal k, M or G (case-insensitive).</summary>
    public static bool TryParseRate(string text, out long bytesPerSecond)
    {
        bytesPerSecond = 0;
        foreach (var (suffix, factor) in RateUnits)
        {
            if (suffix.Length > 0 && !text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (TryParsePositive(text[..^suffix.Length], 13, out var value) && value <= MaxRate / factor)
            {
                bytesPerSecond = value * factor;
                return true;
            }

            return false;
        }

        return false;
    }

    public static string FormatRate(long bytesPerSecond)
    {
        var (suffix, factor) = RateUnits.First(u => bytesPerSecond % u.Factor == 0);
        return $"{bytesPerSecond / factor}{suffix}";
    }

    public static bool TryParsePositive(string text, int maxDigits, out long value)
    {
        value = 0;
        return text.Length > 0 && text.Length <= maxDigits && text.All(char.IsAsciiDigit)
            && (value = long.Parse(text, CultureInfo.InvariantCulture)) > 0;
    }

    /// <summary>Quotes text that would not read back as one bare word.</summary>
    public static string Quote(string text) =>
        text.Length > 0 && text[0] != '#' && text[0] != '"' && !text.Any(c => char.IsWhiteSpace(c) || c == ',')
            ? text
            : "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
