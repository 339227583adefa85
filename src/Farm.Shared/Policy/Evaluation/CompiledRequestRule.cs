using Farm.Shared.Security;

namespace Farm.Shared.Policy;

/// <summary>A request rule with its lists turned into lookup structures; null means unrestricted.</summary>
internal sealed class CompiledRequestRule
{
    public CompiledRequestRule(RequestRule rule, IReadOnlyDictionary<string, HashSet<string>> groups, IReadOnlyDictionary<string, PasswordHash> users)
    {
        Rule = rule;
        Info = PolicyRuleInfo.For(rule.Line, rule.Name, rule.Log);
        From = rule.From is { } from ? new AddressSet(from) : null;
        On = rule.On is { } on ? new AddressSet(on) : null;
        To = rule.To is { } to ? new DestinationSet(to) : null;
        Ports = rule.Ports is { } ports ? new PortSet(ports) : null;
        RealmSuffix = rule.Realm is { } realm ? $"@{realm}" : null;
        if (rule.Users is not null || rule.Groups is not null)
        {
            var names = new HashSet<string>(rule.Users ?? [], StringComparer.Ordinal);
            foreach (var group in rule.Groups ?? [])
            {
                names.UnionWith(groups.GetValueOrDefault(group) ?? []);
            }

            // A defined user is a password identity; any other name is a Kerberos principal. Kept apart, so a
            // password login can never claim a principal's rules, nor a ticket a password user's.
            PasswordPrincipals = new HashSet<string>(names.Where(users.ContainsKey), StringComparer.Ordinal);
            KerberosPrincipals = new HashSet<string>(names.Where(n => !users.ContainsKey(n)), StringComparer.Ordinal);
        }
    }

    public RequestRule Rule { get; }

    public PolicyRuleInfo Info { get; }

    public AddressSet? From { get; }

    public AddressSet? On { get; }

    public DestinationSet? To { get; }

    public PortSet? Ports { get; }

    /// <summary>"@REALM", computed once so that decisions do not allocate.</summary>
    public string? RealmSuffix { get; }

    public HashSet<string>? PasswordPrincipals { get; }

    public HashSet<string>? KerberosPrincipals { get; }

    /// <summary>A rule naming users, groups or a realm, or saying <c>auth password|gssapi</c>, only matches logins.</summary>
    public bool NeedsLogin => Rule.Auth is AuthMethod.Password or AuthMethod.Gssapi || PasswordPrincipals is not null || Rule.Realm is not null;

    public bool AcceptsPassword => Rule.Auth switch
    {
        AuthMethod.Password => true,
        AuthMethod.Gssapi => false,
        _ => Rule.Realm is null && PasswordPrincipals is { Count: > 0 },
    };

    public bool AcceptsGssapi => Rule.Auth switch
    {
        AuthMethod.Gssapi => true,
        AuthMethod.Password => false,
        _ => Rule.Realm is not null || KerberosPrincipals is { Count: > 0 },
    };

    public bool AppliesTo(IpKey client, IpKey listener) =>
        (From is null || From.Contains(client)) && (On is null || On.Contains(listener));

    public bool Matches(in PolicyRequest request, IpKey client, IpKey listener, ReadOnlySpan<char> host, IpKey address)
    {
        if ((Ports is not null && !Ports.Contains(request.Port)) || !CanApply(request, client, listener))
        {
            return false;
        }

        return To is null || To.Matches(host, request.Host is not null, address, request.Address is not null);
    }

    /// <summary>Whether the rule can match some destination for this client, listener and login.</summary>
    public bool CanApply(in PolicyRequest request, IpKey client, IpKey listener)
    {
        if (!AppliesTo(client, listener))
        {
            return false;
        }

        if (Rule.Auth == AuthMethod.None && request.Auth != AuthMethod.None)
        {
            return false;
        }

        if (!NeedsLogin)
        {
            return true;
        }

        if (request.User is not { } user)
        {
            return false;
        }

        return request.Auth switch
        {
            AuthMethod.Password => AcceptsPassword && (PasswordPrincipals is null || PasswordPrincipals.Contains(user)),
            AuthMethod.Gssapi => AcceptsGssapi
                && (RealmSuffix is null || user.EndsWith(RealmSuffix, StringComparison.Ordinal))
                && (KerberosPrincipals is null || KerberosPrincipals.Contains(user)),
            _ => false,
        };
    }
}
