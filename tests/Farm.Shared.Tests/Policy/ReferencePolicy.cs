using System.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Tests.Policy;

/// <summary>The policy semantics written as plainly as possible, to check the compiled evaluator against.</summary>
internal static class ReferencePolicy
{
    public static RequestDecision Decide(PolicyDocument doc, PolicyRequest request)
    {
        foreach (var rule in doc.Rules)
        {
            if (Matches(doc, rule, request))
            {
                return new RequestDecision(rule.Action, new PolicyRuleInfo(rule.Line, rule.Name ?? $"line {rule.Line}", rule.Log));
            }
        }

        return new RequestDecision(PolicyAction.Block, null);
    }

    public static ClientDecision DecideClient(PolicyDocument doc, IPAddress client, IPAddress listener)
    {
        var rule = doc.ClientRules.FirstOrDefault(r => In(r.From, client) && In(r.On, listener));
        return rule is null
            ? new ClientDecision(PolicyAction.Block, null)
            : new ClientDecision(rule.Action, new PolicyRuleInfo(rule.Line, rule.Name ?? $"line {rule.Line}", rule.Log));
    }

    public static RouteDecision Route(PolicyDocument doc, string? host, IPAddress? address, int port)
    {
        var rule = doc.Routes.FirstOrDefault(r => (r.Ports is null || r.Ports.Value.Any(p => p.Contains(port))) && To(r.To, host, address));
        return rule is null
            ? new RouteDecision(DirectRoute.Instance, null)
            : new RouteDecision(rule.Via, new PolicyRuleInfo(rule.Line, $"line {rule.Line}", PolicyLogLevel.None));
    }

    private static bool Matches(PolicyDocument doc, RequestRule rule, PolicyRequest request)
    {
        var command = request.Command switch
        {
            SocksCommand.Connect => CommandSet.Connect,
            SocksCommand.Bind => CommandSet.Bind,
            SocksCommand.UdpAssociate => CommandSet.Udp,
            _ => CommandSet.None,
        };
        if ((rule.Commands & command) == 0 || !In(rule.From, request.Client) || !In(rule.On, request.Listener))
        {
            return false;
        }

        if (rule.Ports is { } ports && !ports.Any(p => p.Contains(request.Port)))
        {
            return false;
        }

        if (rule.Auth == AuthMethod.None && request.Auth != AuthMethod.None)
        {
            return false;
        }

        var named = rule.Users is not null || rule.Groups is not null;
        var needsLogin = rule.Auth is AuthMethod.Password or AuthMethod.Gssapi || named || rule.Realm is not null;
        if (needsLogin && !LoginMatches(doc, rule, named, request))
        {
            return false;
        }

        return To(rule.To, request.Host, request.Address);
    }

    /// <summary>A defined user is a password identity, any other listed name a Kerberos principal.</summary>
    private static bool LoginMatches(PolicyDocument doc, RequestRule rule, bool named, PolicyRequest request)
    {
        if (request.User is not { } user)
        {
            return false;
        }

        var defined = doc.Users.Any(u => u.Name == user);
        var listed = (rule.Users ?? []).Contains(user) || (rule.Groups ?? []).Any(g => doc.Groups.Single(x => x.Name == g).Members.Contains(user));
        return request.Auth switch
        {
            AuthMethod.Password => rule.Auth != AuthMethod.Gssapi && rule.Realm is null && (!named || (listed && defined)),
            AuthMethod.Gssapi => rule.Auth != AuthMethod.Password
                && (rule.Realm is null || user.EndsWith("@" + rule.Realm, StringComparison.Ordinal))
                && (!named || (listed && !defined)),
            _ => false,
        };
    }

    private static bool To(EquatableArray<Destination>? to, string? host, IPAddress? address)
    {
        var name = host is null ? null : host.EndsWith('.') ? host[..^1] : host;
        return to is null || to.Value.Any(d => d switch
        {
            NetworkDestination n => address is not null && n.Network.Contains(Fold(address)),
            HostDestination h => name is not null && string.Equals(name, h.Host, StringComparison.OrdinalIgnoreCase),
            DomainSuffixDestination s => name is not null && name.EndsWith("." + s.Suffix, StringComparison.OrdinalIgnoreCase),
            _ => false,
        });
    }

    private static bool In(EquatableArray<IPNetwork>? networks, IPAddress address) =>
        networks is null || networks.Value.Any(n => n.Contains(Fold(address)));

    private static IPAddress Fold(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
