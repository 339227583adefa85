using System.Net;
using Farm.Shared.Policy;

namespace Farm.Node.Policy;

/// <summary>
/// The <c>Farm:Policy:AllowLoopbackDestinations</c> opt-in as a rewrite of the node's local policy: loopback
/// clients may connect to loopback destinations that the policy refuses only by a block of loopback as a
/// whole (or by default). Narrower blocks (a port, a host, a source) still win, the node's own ports stay
/// closed, and a policy with any login (password or GSSAPI) rule that could cover loopback is left exactly as written.
/// </summary>
public static class LoopbackOptIn
{
    public const string PassName = "opt-in-loopback";
    public const string PortsName = "opt-in-farm-ports";

    private static readonly IPNetwork Loopback4 = IPNetwork.Parse("127.0.0.0/8");
    private static readonly IPNetwork Loopback6 = IPNetwork.Parse("::1/128");
    private static readonly EquatableArray<IPNetwork> Loopback = [Loopback4, Loopback6];

    public static PolicyDocument Apply(PolicyDocument document, IReadOnlyCollection<int> protectedPorts)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(protectedPorts);
        var rules = document.Rules.Items;
        if (rules.Any(r => r.Action == PolicyAction.Pass && NeedsLogin(r) && MayMatchLoopback(r, namesCount: true)))
        {
            return document;
        }

        // Before the first block of loopback as a whole: from there on every loopback request was refused,
        // so only those refusals are lifted. Without such a block, last: only the default deny is lifted.
        var at = rules.IndexOf(rules.FirstOrDefault(IsWholeLoopbackBlock)!);
        if (at < 0)
        {
            at = rules.Length;
        }

        var added = new List<RequestRule>();
        if (protectedPorts.Count > 0)
        {
            added.Add(new RequestRule(0, PolicyAction.Block, CommandSet.Any, null, null, Destinations(Loopback),
                [.. protectedPorts.Distinct().Order().Select(p => new PortRange(p, p))], null, null, null, null, PortsName, PolicyLogLevel.Warning));
        }

        // Explicit narrower blocks after the insertion point keep their effect on loopback: a copy cut down
        // to loopback clients and destinations goes first, keeping the original's line and name for the records.
        added.AddRange(rules.Skip(at).Where(r => r.Action == PolicyAction.Block && !IsWholeLoopbackBlock(r)).Select(LoopbackPart).OfType<RequestRule>());
        added.Add(new RequestRule(0, PolicyAction.Pass, CommandSet.Connect, Loopback, null, Destinations(Loopback), null, null, null, null, null, PassName, PolicyLogLevel.None));
        return document with { Rules = [.. rules.Take(at), .. added, .. rules.Skip(at)] };
    }

    private static bool NeedsLogin(RequestRule rule) =>
        rule.Auth is AuthMethod.Password or AuthMethod.Gssapi || rule.Users is not null || rule.Groups is not null || rule.Realm is not null;

    private static bool IsWholeLoopbackBlock(RequestRule rule) =>
        rule is { Action: PolicyAction.Block, From: null, On: null, Ports: null, Auth: null, Users: null, Groups: null, Realm: null }
        && rule.Commands.HasFlag(CommandSet.Connect)
        && (rule.To is null || rule.To.Value.OfType<NetworkDestination>().Any(d =>
            d.Network.Contains(Loopback6.BaseAddress) || (d.Network.PrefixLength <= Loopback4.PrefixLength && d.Network.Contains(Loopback4.BaseAddress))));

    /// <summary>Whether some connect from a loopback client to a loopback address could match; a host name might resolve there.</summary>
    private static bool MayMatchLoopback(RequestRule rule, bool namesCount) =>
        rule.Commands.HasFlag(CommandSet.Connect)
        && Intersect(rule.From, Loopback).Count > 0
        && (rule.To is null
            || Intersect([.. rule.To.Value.OfType<NetworkDestination>().Select(d => d.Network)], Loopback).Count > 0
            || (namesCount && rule.To.Value.Any(d => d is not NetworkDestination)));

    private static RequestRule? LoopbackPart(RequestRule rule)
    {
        if (!MayMatchLoopback(rule, namesCount: false))
        {
            return null;
        }

        var to = rule.To is null ? Loopback : Intersect([.. rule.To.Value.OfType<NetworkDestination>().Select(d => d.Network)], Loopback);
        return rule with { Commands = CommandSet.Connect, From = Intersect(rule.From, Loopback), To = Destinations(to) };
    }

    private static EquatableArray<Destination> Destinations(EquatableArray<IPNetwork> networks) => [.. networks.Select(n => (Destination)new NetworkDestination(n))];

    /// <summary>Networks in both lists (null is everything); two CIDR networks overlap only when one holds the other.</summary>
    private static EquatableArray<IPNetwork> Intersect(EquatableArray<IPNetwork>? networks, EquatableArray<IPNetwork> within) =>
        networks is null
            ? within
            : [.. networks.Value.SelectMany(n => within.Where(w => n.BaseAddress.AddressFamily == w.BaseAddress.AddressFamily)
                .Where(w => n.Contains(w.BaseAddress) || w.Contains(n.BaseAddress))
                .Select(w => n.PrefixLength >= w.PrefixLength ? n : w)).Distinct()];
}
