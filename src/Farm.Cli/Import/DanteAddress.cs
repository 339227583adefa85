using System.Globalization;
using System.Net;

namespace Farm.Cli.Import;

/// <summary>
/// Dante's address and port terms as Farm policy terms: <c>0/0</c> is any, <c>.example.org</c> is the
/// domain and its sub-domains, a dotted netmask becomes a prefix length, the loopback interface is
/// the loopback networks; <c>port = http</c>, <c>port ge 1024</c>, <c>port 1 - 1023</c> become ranges.
/// </summary>
public static class DanteAddress
{
    private static readonly Dictionary<string, int> Services = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ftp-data"] = 20,
        ["ftp"] = 21,
        ["ssh"] = 22,
        ["telnet"] = 23,
        ["smtp"] = 25,
        ["domain"] = 53,
        ["http"] = 80,
        ["www"] = 80,
        ["pop3"] = 110,
        ["nntp"] = 119,
        ["ntp"] = 123,
        ["imap"] = 143,
        ["https"] = 443,
        ["submission"] = 587,
        ["imaps"] = 993,
        ["pop3s"] = 995,
        ["socks"] = 1080,
    };

    /// <summary>The Farm address list for a Dante address, "any" for everything, or an error.</summary>
    public static (string? Farm, string? Error) Address(string text)
    {
        if (text is "0/0" or "0.0.0.0/0" or "::/0" or "0.0.0.0/0.0.0.0")
        {
            return ("any", null);
        }

        if (text is "lo" or "lo0")
        {
            return ("127.0.0.0/8, ::1", null);
        }

        if (text.StartsWith('.') && text.Length > 1)
        {
            return ($"*{text}, {text[1..]}", null);
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressPart = slash < 0 ? text : text[..slash];
        if (IPAddress.TryParse(addressPart, out var address))
        {
            if (slash < 0)
            {
                return (address.ToString(), null);
            }

            var maskPart = text[(slash + 1)..];
            if (int.TryParse(maskPart, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return ($"{address}/{length}", null);
            }

            return IPAddress.TryParse(maskPart, out var mask) && PrefixLength(mask) is { } bits
                ? ($"{address}/{bits}", null)
                : (null, $"'{text}': the netmask is not contiguous");
        }

        // A word without a dot is an interface name, which Dante expands to the interface's addresses at start.
        return text.Contains('.', StringComparison.Ordinal)
            ? (text, null)
            : (null, $"'{text}' is an interface name: Dante takes its addresses at start; write the interface's networks instead");
    }

    /// <summary>The Farm port list for Dante's port words (after "port"), or an error.</summary>
    public static (string? Farm, string? Error) Ports(IReadOnlyList<string> words)
    {
        if (words.Count == 3 && words[1] == "-")
        {
            return Port(words[0]) is { } first && Port(words[2]) is { } last && first <= last
                ? (first == last ? $"{first}" : $"{first}-{last}", null)
                : (null, $"'{string.Join(' ', words)}' is not a port range");
        }

        if (words.Count == 1 && words[0].Contains('-', StringComparison.Ordinal))
        {
            return Ports(words[0].Split('-') is [var a, var b] ? [a, "-", b] : words.ToList());
        }

        var (op, value) = words.Count switch
        {
            1 => ("eq", words[0]),
            2 => (words[0], words[1]),
            _ => ("?", ""),
        };
        if (Port(value) is not { } port)
        {
            return (null, $"'{string.Join(' ', words)}' is not a port");
        }

        return op switch
        {
            "=" or "eq" => ($"{port}", null),
            "!=" or "ne" => (string.Join(", ", new[] { port > 0 ? $"0-{port - 1}" : null, port < 65535 ? $"{port + 1}-65535" : null }.OfType<string>()), null),
            ">=" or "ge" => ($"{port}-65535", null),
            ">" or "gt" => port < 65535 ? ($"{port + 1}-65535", null) : (null, "no port is greater than 65535"),
            "<=" or "le" => ($"0-{port}", null),
            "<" or "lt" => port > 0 ? ($"0-{port - 1}", null) : (null, "no port is below 0"),
            _ => (null, $"unknown port operator '{op}'"),
        };
    }

    /// <summary>True when the ports cover everything (so a source port condition can be dropped).</summary>
    public static bool IsEveryPort(string farm) => farm is "0-65535" or "1-65535";

    private static int? Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 ? port
        : Services.TryGetValue(text, out var known) ? known
        : null;

    private static int? PrefixLength(IPAddress mask)
    {
        var bits = mask.GetAddressBytes().SelectMany(b => Enumerable.Range(0, 8).Select(i => (b >> (7 - i) & 1) == 1)).ToList();
        var length = bits.TakeWhile(b => b).Count();
        return bits.Skip(length).Any(b => b) ? null : length;
    }
}
