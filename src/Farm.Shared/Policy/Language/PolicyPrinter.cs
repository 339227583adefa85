using System.Net;
using System.Text;

namespace Farm.Shared.Policy;

/// <summary>
/// Writes a document in canonical form: each statement on its recorded line (blank lines fill the gaps),
/// so unnamed rules keep their "line N" identity, and <c>Parse(Print(d)) == d</c>. Comments are not part
/// of the model and are not reproduced.
/// </summary>
public static class PolicyPrinter
{
    public static string Print(PolicyDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var statements = doc.ClientRules.Select(r => (r.Line, Text: Client(r)))
            .Concat(doc.Users.Select(u => (u.Line, Text: $"user {u.Name} {u.PasswordHash}")))
            .Concat(doc.Groups.Select(g => (g.Line, Text: $"group {g.Name} {string.Join(' ', g.Members)}")))
            .Concat(doc.Rules.Select(r => (r.Line, Text: Request(r))))
            .Concat(doc.Routes.Select(r => (r.Line, Text: Route(r))))
            .Concat(doc.Limits.Select(l => (l.Line, Text: Limit(l))))
            .OrderBy(s => s.Line);

        var text = new StringBuilder();
        var line = 1;
        foreach (var (target, statement) in statements)
        {
            for (; line < target; line++)
            {
                text.Append('\n');
            }

            text.Append(statement).Append('\n');
            line++;
        }

        return text.ToString();
    }

    private static string Client(ClientRule rule)
    {
        var text = new StringBuilder("client ").Append(Action(rule.Action));
        text.Append(" from ").Append(Networks(rule.From));
        if (rule.On is { } on)
        {
            text.Append(" on ").Append(Networks(on));
        }

        return NameAndLog(text, rule.Name, rule.Log);
    }

    private static string Request(RequestRule rule)
    {
        var text = new StringBuilder(Action(rule.Action)).Append(' ').Append(Commands(rule.Commands));
        if (rule.From is { } from)
        {
            text.Append(" from ").Append(Networks(from));
        }

        if (rule.On is { } on)
        {
            text.Append(" on ").Append(Networks(on));
        }

        text.Append(" to ").Append(Destinations(rule.To));
        if (rule.Ports is { } ports)
        {
            text.Append(" port ").Append(string.Join(", ", ports));
        }

        if (rule.Auth is { } auth)
        {
            text.Append(" auth ").Append(auth switch
            {
                AuthMethod.None => "none",
                AuthMethod.Password => "password",
                _ => "gssapi",
            });
        }

        if (rule.Users is { } users)
        {
            text.Append(" user ").Append(string.Join(", ", users));
        }

        if (rule.Groups is { } groups)
        {
            text.Append(" group ").Append(string.Join(", ", groups));
        }

        if (rule.Realm is { } realm)
        {
            text.Append(" realm ").Append(realm);
        }

        return NameAndLog(text, rule.Name, rule.Log);
    }

    private static string Route(RouteRule rule)
    {
        var text = new StringBuilder("route");
        if (rule.To is { } to)
        {
            text.Append(" to ").Append(Destinations(to));
        }

        if (rule.Ports is { } ports)
        {
            text.Append(" port ").Append(string.Join(", ", ports));
        }

        text.Append(" via ");
        switch (rule.Via)
        {
            case EgressRoute egress:
                text.Append("egress ").Append(egress.Source);
                break;
            case UpstreamRoute upstream:
                text.Append("socks5 ").Append(Endpoint(upstream.Host, upstream.Port));
                if (upstream.User is not null)
                {
                    text.Append(" user ").Append(PolicySyntax.Quote(upstream.User))
                        .Append(" password ").Append(PolicySyntax.Quote(upstream.Password ?? string.Empty));
                }

                break;
            default:
                text.Append("direct");
                break;
        }

        return text.ToString();
    }

    private static string Limit(LimitRule limit) => limit switch
    {
        TimeoutLimit t => $"limit {Timeout(t.Kind)} {PolicySyntax.FormatDuration(t.Value)}",
        BandwidthLimit b => $"limit bandwidth {PolicySyntax.FormatRate(b.BytesPerSecond)}",
        SessionLimit { Subject: NodeSubject } s => $"limit sessions {s.MaxSessions}",
        SessionLimit { Subject: SourceSubject source } s => $"limit from {PolicySyntax.FormatNetwork(source.Network)} sessions {s.MaxSessions}",
        SessionLimit s => $"limit {s.Subject} sessions {s.MaxSessions}",
        _ => throw new ArgumentException($"unknown limit {limit.GetType().Name}", nameof(limit)),
    };

    private static string Timeout(TimeoutKind kind) => kind switch
    {
        TimeoutKind.Handshake => "handshake-timeout",
        TimeoutKind.Connect => "connect-timeout",
        _ => "idle-timeout",
    };

    private static string Action(PolicyAction action) => action == PolicyAction.Pass ? "pass" : "block";

    private static string Commands(CommandSet commands) => commands == CommandSet.Any
        ? "any"
        : string.Join(", ", new[] { (CommandSet.Connect, "connect"), (CommandSet.Bind, "bind"), (CommandSet.Udp, "udp") }
            .Where(c => commands.HasFlag(c.Item1)).Select(c => c.Item2));

    private static string Networks(EquatableArray<IPNetwork>? networks) =>
        networks is { } list ? string.Join(", ", list.Select(PolicySyntax.FormatNetwork)) : "any";

    private static string Destinations(EquatableArray<Destination>? destinations) =>
        destinations is { } list
            ? string.Join(", ", list.Select(d => d switch
            {
                NetworkDestination n => PolicySyntax.FormatNetwork(n.Network),
                DomainSuffixDestination s => "*." + s.Suffix,
                HostDestination h => h.Host,
                _ => throw new ArgumentException($"unknown destination {d.GetType().Name}", nameof(destinations)),
            }))
            : "any";

    private static string Endpoint(string host, int port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";

    private static string NameAndLog(StringBuilder text, string? name, PolicyLogLevel log)
    {
        if (name is not null)
        {
            text.Append(" name ").Append(name);
        }

        if (log != PolicyLogLevel.None)
        {
            text.Append(" log ").Append(log.ToString().ToLowerInvariant());
        }

        return text.ToString();
    }
}
