using System.Net;
using Farm.Shared.Net;
using Farm.Shared.Socks;

namespace Farm.Shared.Policy;

/// <summary>
/// The whole decision procedure, as pure steps in the order a session meets them: the client rule
/// (<see cref="OnClient"/>), the login methods to offer (<see cref="OnAuth"/>, <see cref="OnLogin"/>), the request
/// as sent (<see cref="OnRequest"/>), the addresses its name resolved to (<see cref="OnResolved"/>), the session
/// limits (<see cref="OnLimits"/>) and the route (in the verdicts). The node, <c>policy test</c> and the admin API
/// call these same functions, and nothing else asks the compiled policy for a decision, so they cannot disagree.
/// Accepting, authenticating and resolving are I/O and happen between the steps, in the caller.
/// Every request gets a pass decision before anything is dialed, listened on or contacted, whatever its route.
/// </summary>
public static class DecisionProcedure
{
    private static readonly RouteDecision Direct = new(DirectRoute.Instance, null);

    /// <summary>
    /// The first step, before one byte is read: the first client rule matching the client and the listener it
    /// reached (the interface-of-entry check); a client no rule lets in is blocked, with no rule named.
    /// </summary>
    public static ClientDecision OnClient(CompiledPolicy policy, IPAddress client, IPAddress listener)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.DecideClient(client.Unmapped(), listener.Unmapped());
    }

    /// <summary>
    /// The SOCKS5 methods worth offering this client on this listener: those some pass rule for it accepts;
    /// <see cref="AuthRequirement.None"/> refuses the handshake, and without <see cref="AuthRequirement.NoneAccepted"/>
    /// a login is required (so SOCKS4, which has none, is refused).
    /// </summary>
    public static AuthRequirement OnAuth(CompiledPolicy policy, IPAddress client, IPAddress listener)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.AuthFor(client.Unmapped(), listener.Unmapped());
    }

    /// <summary>
    /// A login the handshake established (a GSSAPI principal): admitted only when some pass rule could apply to
    /// it, whatever the command and destination, so a principal no rule names is refused before its request.
    /// </summary>
    public static bool OnLogin(CompiledPolicy policy, IPAddress client, IPAddress listener, AuthMethod auth, string user)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(user);
        return policy.AdmitsLogin(client.Unmapped(), listener.Unmapped(), auth, user);
    }

    /// <summary>
    /// The fewest sessions a <c>limit from NET sessions N</c> covering the client allows it at once, handshakes
    /// included, or null when none covers it: applied from the accept on, before the client is even introduced.
    /// </summary>
    public static int? SourceCap(CompiledPolicy policy, IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.SourceSessionCap(client.Unmapped());
    }

    /// <summary>
    /// The step after a request that was not refused (every command counts): the session limits covering its
    /// client and user. Given the sessions open under each subject (<paramref name="open"/>), it also names the
    /// first limit already full; the node takes its places atomically instead (<c>SessionLimiter</c>), which
    /// refuses on that same limit.
    /// </summary>
    public static LimitVerdict OnLimits(CompiledPolicy policy, in PolicyRequest request, Func<LimitSubject, int>? open = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var applicable = policy.SessionLimitsFor(request.Client, request.User);
        if (applicable.Count == 0)
        {
            return LimitVerdict.None;
        }

        return new LimitVerdict(applicable, open is null ? null : applicable.FirstOrDefault(limit => open(limit.Subject) >= limit.MaxSessions));
    }

    /// <summary>
    /// A peer that connected to a BIND listener: it must be one of the permitted addresses of the request and
    /// pass on its own as the request's destination.
    /// </summary>
    public static RequestDecision OnPeer(CompiledPolicy policy, in PolicyRequest request, IPAddress peer)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Decide(request with { Address = peer.Unmapped() });
    }

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
        var byNameRoute = request.Command == SocksCommand.Connect ? policy.Route(request.Host, null, request.Port) : Direct;
        if (byNameRoute.Target is UpstreamRoute)
        {
            return byName.Action == PolicyAction.Pass
                ? new RequestVerdict(RequestStep.Forward, byName, VerdictReason.NamePassedForUpstream, byNameRoute, [])
                : new RequestVerdict(RequestStep.Refuse, byName, VerdictReason.NameNotPassedForUpstream, byNameRoute, []);
        }

        // Resolving is itself traffic a client controls (DNS exfiltration, probing): a name that no pass rule
        // could let through, by the name or by any address, is refused without a query.
        if (byName.Action != PolicyAction.Pass && !policy.MayPassSomeAddress(request))
        {
            return new RequestVerdict(RequestStep.Refuse, byName, VerdictReason.NoRuleCanPassName, Direct, []);
        }

        // The route the name alone takes; its addresses, once resolved, choose the one actually dialed.
        return new RequestVerdict(RequestStep.Resolve, byName, VerdictReason.NameNeedsAddresses, byNameRoute, []);
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
