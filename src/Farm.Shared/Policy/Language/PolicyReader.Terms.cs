using System.Net;

namespace Farm.Shared.Policy;

internal sealed partial class PolicyReader
{
    private static PolicyAction? ReadAction(TokenCursor cursor)
    {
        if (cursor.Expect("pass or block") is not { } token)
        {
            return null;
        }

        if (token.Is("pass"))
        {
            return PolicyAction.Pass;
        }

        if (token.Is("block"))
        {
            return PolicyAction.Block;
        }

        cursor.Fail(token, $"expected pass or block, found '{token.Text}'");
        return null;
    }

    private static bool FirstUse(TokenCursor cursor, HashSet<string> seen, Token term)
    {
        if (term.IsComma)
        {
            cursor.Fail(term, "unexpected ','");
            return false;
        }

        if (!seen.Add(term.Text) && !term.Quoted)
        {
            cursor.Fail(term, $"'{term.Text.ToLowerInvariant()}' is given twice");
            return false;
        }

        return true;
    }

    private static bool TryCommand(string text, out CommandSet command)
    {
        command = text.ToLowerInvariant() switch
        {
            "connect" => CommandSet.Connect,
            "bind" => CommandSet.Bind,
            "udp" => CommandSet.Udp,
            "any" => CommandSet.Any,
            _ => CommandSet.None,
        };
        return command != CommandSet.None;
    }

    /// <summary><c>any</c> (returned as null: unrestricted) or a list of addresses and CIDR networks.</summary>
    private static EquatableArray<IPNetwork>? ReadNetworks(TokenCursor cursor)
    {
        if (TakeAny(cursor))
        {
            return null;
        }

        var list = cursor.List("address or network", token =>
        {
            if (token.Is("any"))
            {
                cursor.Error(token, "'any' cannot be combined with other items");
                return (false, default);
            }

            if (PolicySyntax.TryParseNetwork(token.Text, out var network, out var error))
            {
                return (true, network);
            }

            cursor.Error(token, error!);
            return (false, default);
        });
        return list is null ? null : [.. list];
    }

    private static EquatableArray<Destination>? ReadDestinations(TokenCursor cursor)
    {
        if (TakeAny(cursor))
        {
            return null;
        }

        var list = cursor.List("destination", token =>
        {
            if (token.Is("any"))
            {
                cursor.Error(token, "'any' cannot be combined with other items");
                return (false, (Destination?)null);
            }

            if (PolicySyntax.LooksLikeAddress(token.Text))
            {
                if (PolicySyntax.TryParseNetwork(token.Text, out var network, out var error))
                {
                    return (true, new NetworkDestination(network));
                }

                cursor.Error(token, error!);
                return (false, null);
            }

            var isSuffix = token.Text.StartsWith("*.", StringComparison.Ordinal);
            if (PolicySyntax.NormalizeHost(isSuffix ? token.Text[2..] : token.Text) is { } host)
            {
                return (true, isSuffix ? new DomainSuffixDestination(host) : new HostDestination(host));
            }

            cursor.Error(token, $"'{token.Text}' is not an address, network, host name or *.domain");
            return (false, null);
        });
        return list is null ? null : [.. list.Select(d => d!)];
    }

    private static EquatableArray<PortRange>? ReadPorts(TokenCursor cursor)
    {
        if (TakeAny(cursor))
        {
            return null;
        }

        var list = cursor.List("port", token =>
        {
            if (PolicySyntax.TryParsePorts(token.Text, out var range))
            {
                return (true, range);
            }

            cursor.Error(token, $"'{token.Text}' is not a port (0-65535) or range FIRST-LAST");
            return (false, default);
        });
        return list is null ? null : [.. list];
    }

    private EquatableArray<string>? ReadPrincipals(TokenCursor cursor, bool isGroup)
    {
        var list = cursor.List(isGroup ? "group name" : "user name", token =>
        {
            if (!PolicySyntax.IsValidName(token.Text))
            {
                cursor.Error(token, $"'{token.Text}' is not a valid {(isGroup ? "group" : "user")} name");
                return (false, string.Empty);
            }

            Reference(isGroup, token, cursor.Line);
            return (true, token.Text);
        });
        return list is null ? null : [.. list];
    }

    /// <summary>A Kerberos realm as written: realms are case-sensitive, so FARM.TEST and farm.test differ.</summary>
    private static string? ReadRealm(TokenCursor cursor)
    {
        if (cursor.Expect("realm") is not { } token)
        {
            return null;
        }

        if (!PolicySyntax.IsValidRealm(token.Text))
        {
            cursor.Fail(token, $"'{token.Text}' is not a valid realm (letters, digits, '.', '-')");
            return null;
        }

        return token.Text;
    }

    private string? ReadRuleName(TokenCursor cursor)
    {
        if (ReadName(cursor, "rule name") is not { } name)
        {
            return null;
        }

        Define(_ruleNameLines, "rule name", name, cursor);
        return name.Text;
    }

    private static Token? ReadName(TokenCursor cursor, string what)
    {
        if (cursor.Expect(what) is not { } token)
        {
            return null;
        }

        if (!PolicySyntax.IsValidName(token.Text))
        {
            cursor.Fail(token, $"'{token.Text}' is not a valid {what} (letters, digits, '_', '-', '.', '@')");
            return null;
        }

        return token;
    }

    private static PolicyLogLevel ReadLogLevel(TokenCursor cursor) =>
        cursor.TryTake("debug") ? PolicyLogLevel.Debug
        : cursor.TryTake("warning") ? PolicyLogLevel.Warning
        : cursor.TryTake("info") ? PolicyLogLevel.Info
        : PolicyLogLevel.Info;

    private static bool TakeAny(TokenCursor cursor)
    {
        if (!cursor.PeekIs("any"))
        {
            return false;
        }

        cursor.Next();
        if (cursor.PeekIsComma)
        {
            cursor.Fail(cursor.Peek!.Value, "'any' cannot be combined with other items");
        }

        return true;
    }
}
