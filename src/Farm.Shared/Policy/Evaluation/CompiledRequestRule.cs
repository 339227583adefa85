namespace Farm.Shared.Policy;

/// <summary>A request rule with its lists turned into lookup structures; null means unrestricted.</summary>
internal sealed class CompiledRequestRule
{
    public CompiledRequestRule(RequestRule rule, IReadOnlyDictionary<string, HashSet<string>> groups)
    {
        Rule = rule;
        Info = PolicyRuleInfo.For(rule.Line, rule.Name, rule.Log);
        From = rule.From is { } from ? new AddressSet(from) : null;
        On = rule.On is { } on ? new AddressSet(on) : null;
        To = rule.To is { } to ? new DestinationSet(to) : null;
        Ports = rule.Ports is { } ports ? new PortSet(ports) : null;
        if (rule.Users is not null || rule.Groups is not null)
        {
            Principals = new HashSet<string>(rule.Users ?? [], StringComparer.Ordinal);
            foreach (var group in rule.Groups ?? [])
            {
                Principals.UnionWith(groups.GetValueOrDefault(group) ?? []);
            }
        }
    }

    public RequestRule Rule { get; }

    public PolicyRuleInfo Info { get; }

    public AddressSet? From { get; }

    public AddressSet? On { get; }

    public DestinationSet? To { get; }

    public PortSet? Ports { get; }

    public HashSet<string>? Principals { get; }

    /// <summary>A rule naming users or groups, or saying <c>auth password</c>, only matches password logins.</summary>
    public bool NeedsPassword => Rule.Auth == AuthMethod.Password || Principals is not null;

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

        if (NeedsPassword && (request.Auth != AuthMethod.Password || request.User is null))
        {
            return false;
        }

        return Principals is null || Principals.Contains(request.User!);
    }
}
