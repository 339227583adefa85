using System.Globalization;
using System.Text;

namespace Farm.Cli.Import;

/// <summary>
/// Converts a Dante 1.4 <c>sockd.conf</c> into a Farm policy: client rules, socks rules (pass/block
/// with from, to, ports, command, protocol, socksmethod, user, group, log, session.max), routes and
/// timeouts. Order is kept (both first-match-wins, both block what nothing matches). Every construct
/// without a faithful equivalent is reported with its line and left out, never approximated silently.
/// </summary>
public static class DanteConverter
{
    private static readonly HashSet<string> ServerSettings =
    [
        "logoutput", "errorlog", "internal", "internal.protocol", "external", "external.protocol", "external.rotation",
        "user.privileged", "user.unprivileged", "user.notprivileged", "user.libwrap", "compatibility", "extension",
        "srchost", "debug", "child.maxidle", "child.maxrequests", "udp.connectdst", "socket.recvbuf.udp", "socket.sendbuf.udp",
        "timeout.tcp_fin_wait", "resolveprotocol", "oldstyleipv6",
    ];

    private static readonly Dictionary<string, string> SettingHints = new()
    {
        ["internal"] = "listeners are Farm:Socks:Listeners",
        ["external"] = "the outgoing address is the system's route, or 'route ... via egress ADDRESS'",
        ["logoutput"] = "session records go to Farm:SessionLog:Path",
        ["errorlog"] = "diagnostics go to standard error",
    };

    public static ImportResult Convert(string text)
    {
        var (statements, parseProblems) = DanteConfigParser.Parse(text);
        var problems = new List<ImportProblem>(parseProblems);
        var clients = new List<string>();
        var rules = new List<string>();
        var routes = new List<string>();
        var limits = new List<string>();
        var defaultMethods = new List<string> { "none" };

        foreach (var statement in statements.Where(s => s.Kind == "setting"))
        {
            var setting = statement.Settings[0];
            if (setting.Key is "socksmethod" or "method")
            {
                defaultMethods = [.. setting.Words];
            }
        }

        foreach (var statement in statements)
        {
            switch (statement.Kind)
            {
                case "setting":
                    Global(statement.Settings[0], limits, problems);
                    break;
                case "client":
                    if (Client(statement, problems) is { } client)
                    {
                        clients.Add(client);
                    }

                    break;
                case "socks":
                    if (Socks(statement, defaultMethods, problems, limits) is { Length: > 0 } rule)
                    {
                        rules.Add(rule);
                    }

                    break;
                default:
                    if (Route(statement, problems) is { } route)
                    {
                        routes.Add(route);
                    }

                    break;
            }
        }

        var policy = new StringBuilder();
        policy.AppendLine("# Converted from a Dante sockd.conf by farmctl policy import; first match wins, as in Dante.");
        policy.AppendLine("# Dante passed what its rules pass; Farm's default blocks of inward destinations are not added.");
        foreach (var section in new[] { clients, rules, routes, limits }.Where(s => s.Count > 0))
        {
            policy.AppendLine();
            foreach (var line in section.Where(l => l.Length > 0))
            {
                policy.AppendLine(line);
            }
        }

        return new ImportResult(policy.ToString(), [.. problems.OrderBy(p => p.Line)]);
    }

    private static void Global(DanteSetting setting, List<string> limits, List<ImportProblem> problems)
    {
        switch (setting.Key)
        {
            case "socksmethod" or "method" or "clientmethod":
                foreach (var method in setting.Words.Where(m => m is not ("none" or "username")))
                {
                    problems.Add(new(setting.Line, $"{setting.Key} '{method}': Farm authenticates with no method or a password (username) only"));
                }

                break;
            case "timeout.negotiate":
                Timeout("handshake-timeout", setting, limits, problems);
                break;
            case "timeout.connect":
                Timeout("connect-timeout", setting, limits, problems);
                break;
            case "timeout.io":
                Timeout("idle-timeout", setting, limits, problems);
                break;
            case var key when ServerSettings.Contains(key):
                problems.Add(new(setting.Line, $"{key}: a server setting, not policy" + (SettingHints.TryGetValue(key, out var hint) ? $" ({hint})" : "")));
                break;
            default:
                problems.Add(new(setting.Line, $"{setting.Key}: not known to the converter"));
                break;
        }
    }

    private static void Timeout(string limit, DanteSetting setting, List<string> limits, List<ImportProblem> problems)
    {
        if (setting.Words is not [var value] || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            problems.Add(new(setting.Line, $"{setting.Key}: '{string.Join(' ', setting.Words)}' is not a number of seconds"));
            return;
        }

        // Dante's 0 means no timeout; Farm keeps its default (Farm:Socks:*Timeout) when no limit is given.
        if (seconds > 0)
        {
            limits.Add($"limit {limit} {seconds}s");
        }
    }

    private static string? Client(DanteStatement statement, List<ImportProblem> problems)
    {
        string? from = null, on = null, log = null;
        var lost = false;
        foreach (var setting in statement.Settings)
        {
            switch (setting.Key)
            {
                case "from":
                    from = Endpoint(setting, problems, sourcePort: true);
                    lost |= from is null;
                    break;
                case "to":
                    // The address the client reached: Farm's interface of entry, one listener address.
                    on = Endpoint(setting, problems, sourcePort: true);
                    if (on is not null && (on.Contains('/', StringComparison.Ordinal) || on.Contains(',', StringComparison.Ordinal)))
                    {
                        problems.Add(new(setting.Line, $"client to: '{on}': Farm's 'on' names one listener address"));
                        on = null;
                    }

                    lost |= on is null;
                    break;
                case "log":
                    log = Log(setting);
                    break;
                case "clientmethod" or "method":
                    foreach (var method in setting.Words.Where(m => m != "none"))
                    {
                        problems.Add(new(setting.Line, $"clientmethod '{method}': Farm has no client-level authentication"));
                        lost = true;
                    }

                    break;
                default:
                    problems.Add(new(setting.Line, $"client rule {setting.Key}: no Farm equivalent"));
                    lost = true;
                    break;
            }
        }

        if (!Keep(statement, lost, problems))
        {
            return null;
        }

        var line = new StringBuilder($"client {statement.Action}");
        line.Append(from is null or "any" ? "" : $" from {from}");
        line.Append(on is null or "any" ? "" : $" on {on}");
        return $"{line} name dante-{statement.Line}{log}";
    }

    /// <summary>
    /// Fail closed: a pass rule that lost a condition would pass more than Dante did, so it is left out;
    /// a block rule that lost one blocks more than Dante did, so it stays, broadened.
    /// </summary>
    private static bool Keep(DanteStatement statement, bool lost, List<ImportProblem> problems)
    {
        if (!lost)
        {
            return true;
        }

        var pass = statement.Action == "pass";
        problems.Add(new(statement.Line, pass
            ? $"{statement.Kind} pass rule left out: without the condition(s) above it would pass more than Dante did"
            : $"{statement.Kind} block rule kept without the condition(s) above: it blocks more than Dante did"));
        return !pass;
    }

    private static string? Socks(DanteStatement statement, List<string> defaultMethods, List<ImportProblem> problems, List<string> limits)
    {
        string? from = null, to = null, ports = null, log = null;
        var commands = new SortedSet<string>(StringComparer.Ordinal) { "connect", "bind", "udp" };
        var methods = defaultMethods;
        var users = new List<string>();
        var groups = new List<string>();
        var lost = false;
        foreach (var setting in statement.Settings)
        {
            switch (setting.Key)
            {
                case "from":
                    from = Endpoint(setting, problems, sourcePort: true);
                    lost |= from is null;
                    break;
                case "to":
                    var split = setting.Words.ToList().IndexOf("port");
                    to = Endpoint(setting with { Words = split < 0 ? setting.Words : setting.Words.Take(split).ToList() }, problems, sourcePort: false);
                    lost |= to is null;
                    if (split >= 0)
                    {
                        var (farmPorts, error) = DanteAddress.Ports(setting.Words.Skip(split + 1).ToList());
                        if (error is not null)
                        {
                            problems.Add(new(setting.Line, error));
                            lost = true;
                        }

                        ports = farmPorts;
                    }

                    break;
                case "command":
                    commands.IntersectWith(Commands(setting, problems));
                    break;
                case "protocol":
                    commands.IntersectWith(setting.Words.SelectMany(p => p switch
                    {
                        "tcp" => new[] { "connect", "bind" },
                        "udp" => ["udp"],
                        _ => [],
                    }));
                    break;
                case "socksmethod" or "method":
                    methods = [.. setting.Words];
                    foreach (var method in setting.Words.Where(m => m is not ("none" or "username")))
                    {
                        problems.Add(new(setting.Line, $"socksmethod '{method}': Farm authenticates with no method or a password (username) only"));
                    }

                    break;
                case "clientmethod":
                    foreach (var method in setting.Words.Where(m => m != "none"))
                    {
                        problems.Add(new(setting.Line, $"clientmethod '{method}': Farm has no client-level authentication"));
                        lost = true;
                    }

                    break;
                case "user":
                    users.AddRange(setting.Words.SelectMany(w => w.Split(',', StringSplitOptions.RemoveEmptyEntries)));
                    break;
                case "group":
                    groups.AddRange(setting.Words.SelectMany(w => w.Split(',', StringSplitOptions.RemoveEmptyEntries)));
                    break;
                case "log":
                    log = Log(setting);
                    break;
                case "session.max":
                    if (from is not null && from != "any" && !from.Contains(',', StringComparison.Ordinal) && setting.Words is [var max])
                    {
                        limits.Add($"limit from {from} sessions {max}");
                        problems.Add(new(setting.Line, $"session.max {max}: counted per client network ({from}) on each node, not per rule"));
                    }
                    else
                    {
                        problems.Add(new(setting.Line, "session.max: Farm limits sessions per user, group or client network; left out"));
                    }

                    break;
                default:
                    problems.Add(new(setting.Line, $"{setting.Key}: no Farm equivalent in a rule"));
                    lost = true;
                    break;
            }
        }

        if (commands.Count == 0)
        {
            problems.Add(new(statement.Line, "no command Farm knows is left in this rule (bindreply and udpreply are decided with the BIND or UDP request); rule left out"));
            return "";
        }

        // A rule whose every method is one Farm lacks (pam, rfc931, gssapi) would pass without authentication.
        lost |= statement.Action == "pass" && !methods.Contains("none") && !methods.Contains("username");
        if (!Keep(statement, lost, problems))
        {
            return "";
        }

        var rule = new StringBuilder(statement.Action);
        rule.Append(commands.Count == 3 ? " any" : $" {string.Join(", ", commands)}");
        if (from is not null && from != "any")
        {
            rule.Append($" from {from}");
        }

        rule.Append($" to {to ?? "any"}");
        if (ports is not null)
        {
            rule.Append($" port {ports}");
        }

        if (statement.Action == "pass")
        {
            if (users.Count > 0)
            {
                rule.Append($" user {string.Join(", ", users)}");
            }

            if (groups.Count > 0)
            {
                rule.Append($" group {string.Join(", ", groups)}");
            }

            if (users.Count == 0 && groups.Count == 0 && methods.Contains("username") && !methods.Contains("none"))
            {
                rule.Append(" auth password");
            }
        }

        rule.Append($" name dante-{statement.Line}");
        rule.Append(log);
        if ((users.Count > 0 || groups.Count > 0) && statement.Action == "block")
        {
            problems.Add(new(statement.Line, $"user/group {string.Join(", ", users.Concat(groups))}: the block is kept for every user, so it blocks more than Dante did"));
        }
        else if (users.Count > 0 || groups.Count > 0)
        {
            // Dante checked the system's passwords and groups; a rule naming users Farm does not know yet would
            // not parse, so it waits, commented, for their definitions.
            problems.Add(new(statement.Line, $"user/group {string.Join(", ", users.Concat(groups))}: rule written as a comment; define them with 'user NAME HASH' (farmctl policy hash-password NAME) and 'group NAME MEMBERS', then uncomment it"));
            return $"# {rule}";
        }

        return rule.ToString();
    }

    private static IEnumerable<string> Commands(DanteSetting setting, List<ImportProblem> problems)
    {
        foreach (var word in setting.Words.SelectMany(w => w.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            switch (word)
            {
                case "connect" or "bind":
                    yield return word;
                    break;
                case "udpassociate":
                    yield return "udp";
                    break;
                case "bindreply" or "udpreply":
                    problems.Add(new(setting.Line, $"command {word}: Farm decides replies with the BIND or UDP request's rule; not converted"));
                    break;
                default:
                    problems.Add(new(setting.Line, $"command '{word}' is not known"));
                    break;
            }
        }
    }

    /// <summary>"from:"/"to:" words: an address, then optionally "port ...". A source port condition must cover every port.</summary>
    private static string? Endpoint(DanteSetting setting, List<ImportProblem> problems, bool sourcePort)
    {
        if (setting.Words.Count == 0)
        {
            problems.Add(new(setting.Line, $"{setting.Key}: no address"));
            return null;
        }

        var (address, error) = DanteAddress.Address(setting.Words[0]);
        if (error is not null)
        {
            problems.Add(new(setting.Line, error));
            return null;
        }

        if (sourcePort && setting.Words.Count > 1)
        {
            var (ports, portError) = setting.Words[1] == "port" ? DanteAddress.Ports(setting.Words.Skip(2).ToList()) : (null, $"'{string.Join(' ', setting.Words)}' is not understood");
            if (portError is not null || !DanteAddress.IsEveryPort(ports!))
            {
                problems.Add(new(setting.Line, portError ?? $"{setting.Key}: a client port condition ({ports}) has no Farm equivalent; the rule would match every client port"));
                return null;
            }
        }

        return address;
    }

    private static string Log(DanteSetting setting) =>
        setting.Words.All(w => w == "error") ? " log warning" : " log info";

    private static string? Route(DanteStatement statement, List<ImportProblem> problems)
    {
        string? to = null, ports = null, via = null;
        int? viaPort = null;
        foreach (var setting in statement.Settings)
        {
            switch (setting.Key)
            {
                case "from":
                    if (setting.Words.Count == 0 || DanteAddress.Address(setting.Words[0]).Farm != "any")
                    {
                        problems.Add(new(setting.Line, "route from: Farm routes by destination only; route left out"));
                        return null;
                    }

                    break;
                case "to":
                    var split = setting.Words.ToList().IndexOf("port");
                    (to, var error) = DanteAddress.Address(setting.Words.FirstOrDefault() ?? "");
                    if (split >= 0 && error is null)
                    {
                        (ports, error) = DanteAddress.Ports(setting.Words.Skip(split + 1).ToList());
                    }

                    if (error is not null)
                    {
                        problems.Add(new(setting.Line, $"{error}; route left out"));
                        return null;
                    }

                    break;
                case "via":
                    via = setting.Words.FirstOrDefault();
                    var at = setting.Words.ToList().IndexOf("port");
                    if (at >= 0)
                    {
                        var (port, _) = DanteAddress.Ports(setting.Words.Skip(at + 1).ToList());
                        viaPort = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
                    }

                    break;
                case "proxyprotocol":
                    if (!setting.Words.Contains("socks_v5") && !setting.Words.Contains("direct"))
                    {
                        problems.Add(new(setting.Line, $"proxyprotocol {string.Join(' ', setting.Words)}: Farm forwards to SOCKS5 upstreams only; route left out"));
                        return null;
                    }

                    break;
                case "command" or "protocol":
                    problems.Add(new(setting.Line, $"route {setting.Key}: Farm routes every command to a destination alike"));
                    break;
                case "method" or "socksmethod":
                    if (setting.Words.Any(m => m != "none"))
                    {
                        problems.Add(new(setting.Line, "route method username: add 'user NAME password SECRET' to the converted route"));
                    }

                    break;
                default:
                    problems.Add(new(setting.Line, $"route {setting.Key}: no Farm equivalent; left out"));
                    break;
            }
        }

        if (via is null || to is null)
        {
            problems.Add(new(statement.Line, "route without to: or via:; left out"));
            return null;
        }

        var target = via == "direct" ? "via direct" : $"via socks5 {via}:{viaPort ?? 1080}";
        return $"route to {to}{(ports is null ? "" : $" port {ports}")} {target}";
    }
}
