using System.Globalization;
using System.Text;

namespace Farm.Cli.Import;

/// <summary>
/// Converts an NEC-style SOCKS5 <c>socks5.conf</c>: <c>permit|deny AUTH CMD SRC DEST [SRCPORTS DESTPORTS] [USERS]</c>
/// lines (auth letters n/u/k, command letters c/b/u/p/t, <c>-</c> for any), <c>socks5</c>/<c>noproxy</c>
/// proxy lines and <c>route</c> lines. Host masks: <c>a.b.c.d/m.m.m.m</c>, <c>a.b.c.d/len</c>, an
/// address, <c>.domain</c>, a host name; port ranges: <c>-</c>, <c>N</c>, <c>[a,b]</c> with <c>(</c>/<c>)</c> for open ends.
/// </summary>
public static class NecSocks5Converter
{
    public static ImportResult Convert(string text)
    {
        var problems = new List<ImportProblem>();
        var rules = new List<string>();
        var routes = new List<string>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = n + 1;
            var content = lines[n].Split('#')[0];
            var words = content.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            switch (words[0])
            {
                case "permit" or "deny":
                    if (Access(words, line, problems) is { } rule)
                    {
                        rules.Add(rule);
                    }

                    break;
                case "socks5" or "noproxy":
                    if (Proxy(words, line, problems) is { } route)
                    {
                        routes.Add(route);
                    }

                    break;
                case "socks4":
                    problems.Add(new(line, "socks4 proxy: Farm forwards to SOCKS5 upstreams only; left out"));
                    break;
                case "route":
                    problems.Add(new(line, "route (outgoing interface): write 'route to ... via egress ADDRESS' with the interface's address"));
                    break;
                case "auth":
                    problems.Add(new(line, "auth line: Farm asks for a password where a pass rule needs one (auth password, user, group); left out"));
                    break;
                case "set":
                    problems.Add(new(line, $"set {(words.Length > 1 ? words[1] : "")}: a server setting, not policy"));
                    break;
                default:
                    problems.Add(new(line, $"'{words[0]}' is not a socks5.conf line"));
                    break;
            }
        }

        var policy = new StringBuilder();
        policy.AppendLine("# Converted from an NEC-style socks5.conf by farmctl policy import; first match wins.");
        policy.AppendLine("# Every client may connect (socks5.conf has no client rules); add client rules for your networks.");
        policy.AppendLine("client pass from any name any-client");
        foreach (var section in new[] { rules, routes }.Where(s => s.Count > 0))
        {
            policy.AppendLine();
            foreach (var rule in section)
            {
                policy.AppendLine(rule);
            }
        }

        return new ImportResult(policy.ToString(), problems);
    }

    private static string? Access(string[] words, int line, List<ImportProblem> problems)
    {
        if (words.Length is < 5 or 6 or > 8)
        {
            problems.Add(new(line, "expected permit|deny AUTH CMD SRC DEST [SRCPORTS DESTPORTS] [USERS]; left out"));
            return null;
        }

        var (auth, cmd, source, destination) = (words[1], words[2], words[3], words[4]);
        var sourcePorts = words.Length > 6 ? Ports(words[5]) : ("0-65535", null);
        var destinationPorts = words.Length > 6 ? Ports(words[6]) : ("0-65535", null);
        var users = words.Length == 8 && words[7] != "-" ? words[7].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        var (from, fromError) = Mask(source);
        var (to, toError) = Mask(destination);
        var error = fromError ?? toError ?? sourcePorts.Error ?? destinationPorts.Error;
        if (error is not null)
        {
            problems.Add(new(line, $"{error}; left out"));
            return null;
        }

        if (!DanteAddress.IsEveryPort(sourcePorts.Farm!))
        {
            problems.Add(new(line, $"a client port condition ({sourcePorts.Farm}) has no Farm equivalent; left out"));
            return null;
        }

        var commands = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var letter in cmd == "-" ? "cbu" : cmd)
        {
            switch (letter)
            {
                case 'c':
                    commands.Add("connect");
                    break;
                case 'b':
                    commands.Add("bind");
                    break;
                case 'u':
                    commands.Add("udp");
                    break;
                default:
                    problems.Add(new(line, $"command '{letter}' (ping, traceroute): Farm relays connect, bind and udp only"));
                    break;
            }
        }

        if (commands.Count == 0)
        {
            problems.Add(new(line, "no command Farm relays is left in this line; left out"));
            return null;
        }

        if (auth.Contains('k', StringComparison.Ordinal))
        {
            problems.Add(new(line, "auth k (GSS-API): Farm authenticates with no method or a password only"));
        }

        var action = words[0] == "permit" ? "pass" : "block";
        var rule = new StringBuilder($"{action} {(commands.Count == 3 ? "any" : string.Join(", ", commands))}");
        if (from != "any")
        {
            rule.Append($" from {from}");
        }

        rule.Append($" to {to}");
        if (!DanteAddress.IsEveryPort(destinationPorts.Farm!))
        {
            rule.Append($" port {destinationPorts.Farm}");
        }

        if (action == "block" && users.Length > 0)
        {
            problems.Add(new(line, $"user {string.Join(", ", users)}: the deny is kept for every user, so it blocks more than socks5.conf did"));
        }

        if (action == "pass" && auth == "u" && users.Length == 0)
        {
            rule.Append(" auth password");
        }

        rule.Append(CultureInfo.InvariantCulture, $" name socks5conf-{line}");
        if (action == "pass" && users.Length > 0)
        {
            // A rule for users Farm does not know yet would not parse: it waits, commented, for their definitions.
            problems.Add(new(line, $"user {string.Join(", ", users)}: rule written as a comment; define each user with 'user NAME HASH' (farmctl policy hash-password NAME), then uncomment it"));
            return $"# {rule} user {string.Join(", ", users)}";
        }

        return rule.ToString();
    }

    private static string? Proxy(string[] words, int line, List<ImportProblem> problems)
    {
        if (words.Length < 3 || (words[0] == "socks5" && words.Length < 4))
        {
            problems.Add(new(line, $"expected {words[0]} DEST DESTPORTS{(words[0] == "socks5" ? " PROXY" : "")}; left out"));
            return null;
        }

        var (to, error) = Mask(words[1]);
        var ports = Ports(words[2]);
        if ((error ?? ports.Error) is { } problem)
        {
            problems.Add(new(line, $"{problem}; left out"));
            return null;
        }

        var portPart = DanteAddress.IsEveryPort(ports.Farm!) ? "" : $" port {ports.Farm}";
        if (words[0] == "noproxy")
        {
            return $"route to {to}{portPart} via direct";
        }

        var proxies = words[3].Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (proxies.Length > 1)
        {
            problems.Add(new(line, $"{proxies.Length} proxies: Farm routes to one upstream; the first is used"));
        }

        var proxy = proxies[0].Contains(':', StringComparison.Ordinal) ? proxies[0] : $"{proxies[0]}:1080";
        return $"route to {to}{portPart} via socks5 {proxy}";
    }

    private static (string? Farm, string? Error) Mask(string text) => text == "-" ? ("any", null) : DanteAddress.Address(text);

    private static (string? Farm, string? Error) Ports(string text)
    {
        if (text == "-")
        {
            return ("0-65535", null);
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var single) && single <= 65535)
        {
            return ($"{single}", null);
        }

        if (text.Length > 4 && text[0] is '[' or '(' && text[^1] is ']' or ')' && text[1..^1].Split(',') is [var a, var b]
            && int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            && int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var high))
        {
            low += text[0] == '(' ? 1 : 0;
            high -= text[^1] == ')' ? 1 : 0;
            return low <= high && high <= 65535 ? (low == high ? $"{low}" : $"{low}-{high}", null) : (null, $"'{text}' is an empty port range");
        }

        return (null, $"'{text}' is not a port range");
    }
}
