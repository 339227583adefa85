using System.Net;
using Farm.Shared.Security;

namespace Farm.Shared.Policy;

internal sealed partial class PolicyReader
{
    private void ReadClient(TokenCursor cursor)
    {
        if (ReadAction(cursor) is not { } action)
        {
            return;
        }

        EquatableArray<IPNetwork>? from = null, on = null;
        string? name = null;
        var log = PolicyLogLevel.None;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (!cursor.AtEnd)
        {
            var term = cursor.Next();
            if (!FirstUse(cursor, seen, term))
            {
                return;
            }

            if (term.Is("from"))
            {
                from = ReadNetworks(cursor);
            }
            else if (term.Is("on"))
            {
                on = ReadNetworks(cursor);
            }
            else if (term.Is("name"))
            {
                name = ReadRuleName(cursor);
            }
            else if (term.Is("log"))
            {
                log = ReadLogLevel(cursor);
            }
            else
            {
                cursor.Fail(term, $"unexpected '{term.Text}': expected from, on, name or log");
            }
        }

        if (!cursor.Abandoned && cursor.ErrorCount == 0)
        {
            _clientRules.Add(new ClientRule(cursor.Line, action, from, on, name, log));
        }
    }

    private void ReadUser(TokenCursor cursor)
    {
        if (ReadName(cursor, "user name") is not { } name || cursor.Expect("password hash") is not { } hashToken)
        {
            return;
        }

        if (!PasswordHasher.TryParseEncoded(hashToken.Text, out _, out var error))
        {
            cursor.Error(hashToken, error);
        }

        if (cursor.ExpectEnd() && Define(_userLines, "user", name, cursor) && cursor.ErrorCount == 0)
        {
            _users.Add(new UserEntry(cursor.Line, name.Text, hashToken.Text));
        }
    }

    private void ReadGroup(TokenCursor cursor)
    {
        if (ReadName(cursor, "group name") is not { } name)
        {
            return;
        }

        var members = new List<string>();
        while (!cursor.AtEnd)
        {
            var token = cursor.Next();
            if (token.IsComma)
            {
                continue;
            }

            if (!PolicySyntax.IsValidName(token.Text))
            {
                cursor.Error(token, $"'{token.Text}' is not a valid user name");
            }
            else if (members.Contains(token.Text))
            {
                cursor.Error(token, $"'{token.Text}' is listed twice");
            }
            else
            {
                members.Add(token.Text);
                Reference(false, token, cursor.Line);
            }
        }

        if (members.Count == 0 && cursor.ErrorCount == 0)
        {
            cursor.Error(cursor.EndColumn, "expected at least one member");
        }

        if (Define(_groupLines, "group", name, cursor) && cursor.ErrorCount == 0)
        {
            _groups.Add(new GroupEntry(cursor.Line, name.Text, [.. members]));
        }
    }

    private void ReadRequest(TokenCursor cursor, PolicyAction action)
    {
        var commands = CommandSet.Any;
        if (cursor.Peek is { } first && !first.Quoted && TryCommand(first.Text, out _))
        {
            var list = cursor.List("command", token =>
            {
                if (TryCommand(token.Text, out var command) && !token.Quoted)
                {
                    return (true, command);
                }

                cursor.Error(token, $"unknown command '{token.Text}': expected connect, bind, udp or any");
                return (false, CommandSet.None);
            });
            if (list is null)
            {
                return;
            }

            commands = list.Aggregate(CommandSet.None, (all, c) => all | c);
        }

        EquatableArray<IPNetwork>? from = null, on = null;
        EquatableArray<Destination>? to = null;
        EquatableArray<PortRange>? ports = null;
        AuthMethod? auth = null;
        Token? authToken = null;
        EquatableArray<string>? users = null, groups = null;
        string? realm = null, name = null;
        var log = PolicyLogLevel.None;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (!cursor.AtEnd)
        {
            var term = cursor.Next();
            if (!FirstUse(cursor, seen, term))
            {
                return;
            }

            if (term.Is("from"))
            {
                from = ReadNetworks(cursor);
            }
            else if (term.Is("on"))
            {
                on = ReadNetworks(cursor);
            }
            else if (term.Is("to"))
            {
                to = ReadDestinations(cursor);
            }
            else if (term.Is("port"))
            {
                ports = ReadPorts(cursor);
            }
            else if (term.Is("auth"))
            {
                authToken = cursor.Expect("none, password or gssapi");
                if (authToken is { } method)
                {
                    auth = method.Is("none") ? AuthMethod.None : method.Is("password") ? AuthMethod.Password : method.Is("gssapi") ? AuthMethod.Gssapi : null;
                    if (auth is null)
                    {
                        cursor.Fail(method, $"unknown auth method '{method.Text}': expected none, password or gssapi");
                    }
                }
            }
            else if (term.Is("user"))
            {
                users = ReadPrincipals(cursor, isGroup: false);
            }
            else if (term.Is("group"))
            {
                groups = ReadPrincipals(cursor, isGroup: true);
            }
            else if (term.Is("realm"))
            {
                realm = ReadRealm(cursor);
            }
            else if (term.Is("name"))
            {
                name = ReadRuleName(cursor);
            }
            else if (term.Is("log"))
            {
                log = ReadLogLevel(cursor);
            }
            else
            {
                cursor.Fail(term, $"unexpected '{term.Text}': expected from, on, to, port, auth, user, group, realm, name or log");
            }
        }

        if (cursor.Abandoned)
        {
            return;
        }

        if (auth == AuthMethod.None && (users is not null || groups is not null || realm is not null) && authToken is { } contradiction)
        {
            cursor.Error(contradiction, "'auth none' cannot be combined with user, group or realm, which require a login");
        }

        if (auth == AuthMethod.Password && realm is not null && authToken is { } passwordRealm)
        {
            cursor.Error(passwordRealm, "'auth password' cannot be combined with realm, which requires gssapi");
        }

        if (cursor.ErrorCount == 0)
        {
            _rules.Add(new RequestRule(cursor.Line, action, commands, from, on, to, ports, auth, users, groups, realm, name, log));
        }
    }

    private void ReadRoute(TokenCursor cursor)
    {
        EquatableArray<Destination>? to = null;
        EquatableArray<PortRange>? ports = null;
        RouteTarget? via = null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (!cursor.AtEnd)
        {
            var term = cursor.Next();
            if (!FirstUse(cursor, seen, term))
            {
                return;
            }

            if (term.Is("to"))
            {
                to = ReadDestinations(cursor);
            }
            else if (term.Is("port"))
            {
                ports = ReadPorts(cursor);
            }
            else if (term.Is("via"))
            {
                via = ReadRouteTarget(cursor);
            }
            else
            {
                cursor.Fail(term, $"unexpected '{term.Text}': expected to, port or via");
            }
        }

        if (cursor.Abandoned)
        {
            return;
        }

        if (via is null && cursor.ErrorCount == 0)
        {
            cursor.Fail(cursor.EndColumn, "route needs 'via direct', 'via egress ADDRESS' or 'via socks5 HOST:PORT'");
            return;
        }

        if (cursor.ErrorCount == 0 && via is not null)
        {
            _routes.Add(new RouteRule(cursor.Line, to, ports, via));
        }
    }

    private RouteTarget? ReadRouteTarget(TokenCursor cursor)
    {
        if (cursor.Expect("direct, egress or socks5") is not { } kind)
        {
            return null;
        }

        if (kind.Is("direct"))
        {
            return DirectRoute.Instance;
        }

        if (kind.Is("egress"))
        {
            if (cursor.Expect("egress source address") is not { } source)
            {
                return null;
            }

            if (!PolicySyntax.TryParseAddress(source.Text, out var address))
            {
                cursor.Error(source, $"'{source.Text}' is not an IP address");
                return null;
            }

            return new EgressRoute(address);
        }

        if (!kind.Is("socks5"))
        {
            cursor.Fail(kind, $"unknown route target '{kind.Text}': expected direct, egress or socks5");
            return null;
        }

        if (cursor.Expect("upstream HOST:PORT") is not { } endpoint)
        {
            return null;
        }

        var upstream = ReadEndpoint(cursor, endpoint);
        string? user = null, password = null;
        if (cursor.TryTake("user"))
        {
            user = ReadCredential(cursor, "upstream user name");
            if (!cursor.TryTake("password"))
            {
                cursor.Fail(cursor.Peek?.Column ?? cursor.EndColumn, "expected 'password' after the upstream user name");
                return null;
            }

            password = ReadCredential(cursor, "upstream password");
        }

        return upstream is { } u && !cursor.Abandoned ? new UpstreamRoute(u.Host, u.Port, user, password) : null;
    }

    private static (string Host, int Port)? ReadEndpoint(TokenCursor cursor, Token token)
    {
        var text = token.Text;
        string hostText, portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            hostText = close < 0 ? string.Empty : text[1..close];
            portText = close < 0 ? string.Empty : text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            hostText = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? string.Empty : text[(colon + 1)..];
        }

        string? host = null;
        if (PolicySyntax.TryParseAddress(hostText, out var address))
        {
            host = address.ToString();
        }
        else if (!hostText.Contains(':') && !PolicySyntax.LooksLikeAddress(hostText))
        {
            host = PolicySyntax.NormalizeHost(hostText);
        }

        if (host is null || !PolicySyntax.TryParsePort(portText, out var port) || port == 0)
        {
            cursor.Error(token, $"'{text}' is not HOST:PORT (write an IPv6 address as [ADDRESS]:PORT)");
            return null;
        }

        return (host, port);
    }

    private static string? ReadCredential(TokenCursor cursor, string what)
    {
        if (cursor.Expect(what) is not { } token)
        {
            return null;
        }

        if (token.Text.Length is 0 or > PolicySyntax.MaxCredentialLength)
        {
            cursor.Error(token, $"{what} must be 1 to {PolicySyntax.MaxCredentialLength} characters");
        }

        return token.Text;
    }

    private void ReadLimit(TokenCursor cursor)
    {
        if (cursor.Expect("limit kind") is not { } kind)
        {
            return;
        }

        var timeout = kind.Is("handshake-timeout") ? TimeoutKind.Handshake
            : kind.Is("connect-timeout") ? TimeoutKind.Connect
            : kind.Is("idle-timeout") ? (TimeoutKind?)TimeoutKind.Idle
            : null;
        LimitRule? limit = null;
        string key;
        if (timeout is { } timeoutKind)
        {
            key = kind.Text.ToLowerInvariant();
            if (cursor.Expect("duration such as 10s, 500ms, 2m, 1h or 1d") is { } value)
            {
                if (PolicySyntax.TryParseDuration(value.Text, out var duration))
                {
                    limit = new TimeoutLimit(cursor.Line, timeoutKind, duration);
                }
                else
                {
                    cursor.Error(value, $"'{value.Text}' is not a duration from 1ms to 365d (such as 10s, 500ms, 2m, 1h or 1d)");
                }
            }
        }
        else if (kind.Is("bandwidth"))
        {
            key = "bandwidth";
            if (cursor.Expect("bytes per second, such as 500k or 10M") is { } value)
            {
                if (PolicySyntax.TryParseRate(value.Text, out var rate))
                {
                    limit = new BandwidthLimit(cursor.Line, rate);
                }
                else
                {
                    cursor.Error(value, $"'{value.Text}' is not a rate in bytes per second (such as 500k or 10M)");
                }
            }
        }
        else
        {
            LimitSubject? subject = null;
            if (kind.Is("sessions"))
            {
                subject = NodeSubject.Instance;
            }
            else if (kind.Is("user") || kind.Is("group"))
            {
                var isGroup = kind.Is("group");
                if (ReadName(cursor, isGroup ? "group name" : "user name") is not { } name)
                {
                    return;
                }

                Reference(isGroup, name, cursor.Line);
                subject = isGroup ? new GroupSubject(name.Text) : new UserSubject(name.Text);
            }
            else if (kind.Is("from"))
            {
                if (cursor.Expect("source network") is not { } network)
                {
                    return;
                }

                if (!PolicySyntax.TryParseNetwork(network.Text, out var source, out var error))
                {
                    cursor.Fail(network, error!);
                    return;
                }

                subject = new SourceSubject(source);
            }
            else
            {
                cursor.Fail(kind, $"unknown limit '{kind.Text}': expected handshake-timeout, connect-timeout, idle-timeout, bandwidth, sessions, user, group or from");
                return;
            }

            key = subject.ToString();
            if (subject is not NodeSubject)
            {
                if (cursor.Expect("'sessions'") is not { } word)
                {
                    return;
                }

                if (!word.Is("sessions"))
                {
                    cursor.Fail(word, $"unexpected '{word.Text}': expected 'sessions'");
                    return;
                }
            }

            if (cursor.Expect("session count") is { } count)
            {
                if (PolicySyntax.TryParsePositive(count.Text, 9, out var max))
                {
                    limit = new SessionLimit(cursor.Line, subject, (int)max);
                }
                else
                {
                    cursor.Error(count, $"'{count.Text}' is not a positive session count");
                }
            }
        }

        if (!cursor.ExpectEnd() || limit is null || cursor.ErrorCount > 0)
        {
            return;
        }

        if (_limitLines.TryGetValue(key, out var previous))
        {
            cursor.Error(kind, $"limit {key} is already set on line {previous}");
            return;
        }

        _limitLines.Add(key, cursor.Line);
        _limits.Add(limit);
    }
}
