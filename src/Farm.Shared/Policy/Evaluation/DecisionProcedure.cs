using System.Net;
using Farm.Shared.Net;
using Farm.Shared.Socks;

namespace Farm.Shared.Policy;

/// <summary>
/// The whole request decision, as pure steps: the node, <c>policy test</c> and the admin API call these
/// same functions so they cannot disagree. Name resolution is I/O and happens between the steps, in the
/// caller: <see cref="OnRequest"/> decides the request as sent, and when it says
/// <see cref="RequestStep.Resolve"/>, <see cref="OnResolved"/> decides the addresses the name resolved to.
/// Every request gets a pass decision before anything is dialed, listened on or contacted, whatever its route.
/// </summary>
public static class DecisionProcedure
{
    private static readonly RouteDecision Direct = new(DirectRoute.Instance, null);

    /// <summary>The first step: the request as the client sent it (an ASSOCIATE, or a destination to connect or bind to).</summary>
    public static RequestVerdict OnRequest(CompiledPolicy policy, in PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return request.Command == SocksCommand.UdpAssociate ? OnAssociate(policy, request) : OnDestination(policy, request);
    }

    /// <summary>
    /// A destination as sent: an address is decided at once; a name is refused by an explicit block on it,
    /// forwarded upstream only with a pass on the name itself (no address of it is ever checked here),
    /// refused unresolved when no pass rule could match it or any of its addresses, and otherwise resolved. Also the first step for each UDP datagram.
    /// </summary>
    public static RequestVerdict OnDestination(CompiledPolicy policy, in PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (request.Address is { } address)
        {
            return OnResolved(policy, request, [address]);
        }

        // A name that is an IP literal is that address, routed upstream or not: never a name a pass could vouch for.
        if (AddressLiteral.TryParse(request.Host, out var literal))
        {
            return OnResolved(policy, request with { Address = literal.Unmapped() }, [literal]);
        }

        var byName = policy.Decide(request);
        if (byName.Action == PolicyAction.Block && byName.Rule is not null)
        {
            return new RequestVerdict(RequestStep.Refuse, byName, VerdictReason.NameBlocked, Direct, []);
        }

        // Only CONNECT follows routes; a name routed upstream is handed on unresolved, as it may only resolve beyond it.
        if (request.Command == SocksCommand.Connect && policy.Route(request.Host, null, request.Port) is { Target: UpstreamRoute } upstream)
        {
            return byName.Action == PolicyAction.Pass
                ? new RequestVerdict(RequestStep.Forward, byName, VerdictReason.NamePassedForUpstream, upstream, [])
                : new RequestVerdict(RequestStep.Refuse, byName, VerdictReason.NameNotPassedForUpstream, upstream, []);
        }

        // Resolving is itself traffic a client controls (DNS exfiltration, probing): a name that no pass rule
        // could let through, by the name or by any address, is refused without a query.
        if (byName.Action != PolicyAction.Pass && !policy.MayPassSomeAddress(request))
        {
            return new RequestVerdict(RequestStep.Refuse, byName, VerdictReason.NoRuleCanPassName, Direct, []);
        }

        return new RequestVerdict(RequestStep.Resolve, byName, VerdictReason.NameNeedsAddresses, Direct, []);
    }

    /// <summary>
    /// The second step: every address (the requested one, or each the name resolved to) must pass on its
    /// own; the refused ones are never used, the route is chosen for the first permitted one, and a permitted
    /// address another route would take is not used on it.
    /// </summary>
    public static RequestVerdict OnResolved(CompiledPolicy policy, in PolicyRequest request, IReadOnlyList<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(addresses);
        var checkedAddresses = new AddressDecision[addresses.Count];
        RequestDecision? passed = null;
        RequestDecision? refused = null;
        IPAddress? first = null;
        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i].Unmapped();
            var decision = policy.Decide(request with { Address = address });
            checkedAddresses[i] = new AddressDecision(address, decision);
            if (decision.Action == PolicyAction.Pass)
            {
                passed ??= decision;
                first ??= address;
            }
            else
            {
                refused ??= decision;
            }
        }

        if (passed is not { } pass)
        {
            return refused is { } block
                ? new RequestVerdict(RequestStep.Refuse, block, request.Host is null ? VerdictReason.AddressDecided : VerdictReason.NoAddressPermitted, Direct, checkedAddresses)
                : new RequestVerdict(RequestStep.NoAddress, policy.Decide(request with { Address = null }), VerdictReason.NoAddress, Direct, checkedAddresses);
        }

        if (request.Command != SocksCommand.Connect)
        {
            return new RequestVerdict(RequestStep.Proceed, pass, VerdictReason.AddressDecided, Direct, checkedAddresses);
        }

        // One dial takes one route: a permitted address that a route sends elsewhere is not tried on this one
        // (a name resolving to an unrouted address first must not carry a routed one past its route).
        var route = policy.Route(request.Host, first, request.Port);
        for (var i = 0; i < checkedAddresses.Length; i++)
        {
            if (checkedAddresses[i].Decision.Action == PolicyAction.Pass)
            {
                var own = policy.Route(request.Host, checkedAddresses[i].Address, request.Port);
                checkedAddresses[i] = checkedAddresses[i] with { OnRoute = Equals(own.Target, route.Target) };
            }
        }

        return new RequestVerdict(RequestStep.Proceed, pass, VerdictReason.AddressDecided, route, checkedAddresses);
    }

    /// <summary>
    /// An ASSOCIATE names no destination (its DST is the client's own UDP source), so it is granted only when
    /// some udp pass rule can apply to this client, listener and user; each datagram is decided later.
    /// </summary>
    private static RequestVerdict OnAssociate(CompiledPolicy policy, in PolicyRequest request)
    {
        var rule = policy.FirstPassRuleFor(request);
        return rule is null
            ? new RequestVerdict(RequestStep.Refuse, new RequestDecision(PolicyAction.Block, null), VerdictReason.NoUdpRule, Direct, [])
            : new RequestVerdict(RequestStep.Associate, new RequestDecision(PolicyAction.Pass, rule), VerdictReason.UdpRuleApplies, Direct, []);
    }
}
