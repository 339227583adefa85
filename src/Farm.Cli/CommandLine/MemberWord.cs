using System.Globalization;
using System.Net;

namespace Farm.Cli.CommandLine;

/// <summary>
/// The member a command line names in front of its palette (<c>farmctl 10.0.0.5 cluster show</c>), and
/// that member as <c>host:port</c>: a host alone means the admin endpoint's default port.
/// </summary>
public static class MemberWord
{
    public const int DefaultPort = 9110;

    public const string DefaultPortText = "9110";

    public const string DefaultEndpoint = "127.0.0.1:" + DefaultPortText;

    /// <summary>
    /// Whether <paramref name="word"/> names a member rather than a (possibly mistyped) command: a URL, an
    /// address, <c>host:port</c>, a dotted name, or any word followed by a command. A lone word such as
    /// <c>clustr</c> is left to the parser, which suggests the command it resembles.
    /// </summary>
    public static bool IsMember(string word, string? next, IReadOnlySet<string> commands)
    {
        // A directive ([suggest:4]) or an option is never a member; a bracketed IPv6 address is.
        var directive = word.StartsWith('[') && word.EndsWith(']') && !IPAddress.TryParse(word[1..^1], out _);
        if (word.Length == 0 || word[0] == '-' || directive || commands.Contains(word))
        {
            return false;
        }

        return word.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || word.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || word.Contains(':', StringComparison.Ordinal)
            || word.Contains('.', StringComparison.Ordinal)
            || word == "localhost"
            || (next is not null && commands.Contains(next));
    }

    /// <summary><c>[scheme://]host[:port]</c> with the default port added when none is given; a bad port is a usage error.</summary>
    public static string WithPort(string word)
    {
        var schemeEnd = word.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd >= 0 ? word[..(schemeEnd + 3)] : string.Empty;
        var rest = (schemeEnd >= 0 ? word[(schemeEnd + 3)..] : word).TrimEnd('/');
        string host;
        string? port;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? rest[..(close + 1)] : throw Bad(word);
            port = rest.Length > close + 1 ? (rest[close + 1] == ':' ? rest[(close + 2)..] : throw Bad(word)) : null;
        }
        else if (IPAddress.TryParse(rest, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            (host, port) = ($"[{address}]", null);
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            (host, port) = colon >= 0 ? (rest[..colon], rest[(colon + 1)..]) : (rest, null);
        }

        if (host.Length == 0 || (port is not null && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535)))
        {
            throw Bad(word);
        }

        return $"{scheme}{host}:{port ?? DefaultPort.ToString(CultureInfo.InvariantCulture)}";
    }

    private static CliException Bad(string word) =>
        CliException.Usage($"'{word}' is not a member's admin endpoint ([https://]host[:port], port 1-65535)");
}
