using System.Globalization;
using System.Net;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Admin;

/// <summary>
/// Runs a request through the node's own <see cref="DecisionProcedure"/>, step by step as a session meets
/// them (client rule, auth, the request, session limits, the addresses its name resolves to, route), without
/// sending anything, and says which rule decides each step and why. Pure: resolving a name and counting open
/// sessions are the caller's (<see cref="NameToResolve"/>), and come back in as arguments.
/// </summary>
public static class PolicyTester
{
    /// <summary>The name the node would resolve before deciding this request, or null when it would not resolve one.</summary>
    public static string? NameToResolve(CompiledPolicy policy, PolicyTestRequest request, IPAddress listener)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var question = Prepare(policy, request, listener);
        if (question.Command == SocksCommand.UdpAssociate && DecisionProcedure.OnRequest(policy, question).Step == RequestStep.Refuse)
        {
            return null;
        }

        return DecisionProcedure.OnDestination(policy, question).Step == RequestStep.Resolve ? question.Host : null;
    }

    /// <param name="resolved">The addresses the name resolved to on the node; null when it was not (or could not be) resolved.</param>
    /// <param name="openSessions">The sessions open on the node under a limit's subject; null where nothing is counted (a lighthouse).</param>
    public static PolicyTestResult Run(CompiledPolicy policy, long version, string text, PolicyTestRequest request, IPAddress listener, IReadOnlyList<IPAddress>? resolved = null, Func<LimitSubject, int>? openSessions = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(request);
        var question = Prepare(policy, request, listener);
        var (from, on, command) = (question.Client, question.Listener, question.Command);
        var lines = PolicyRedactor.Redact(text).Split('\n');
        var steps = new List<PolicyTestStep>();

        var client = DecisionProcedure.OnClient(policy, from, on);
        steps.Add(new PolicyTestStep(
            "client",
            Word(client.Action),
            client.Rule?.Id,
            client.Rule?.Line,
            client.Rule is { } clientRule
                ? $"{Describe(clientRule, lines)} is the first client rule matching {from} on {on}"
                : $"no client rule matches {from} on {on}: blocked by default"));
        if (client.Action != PolicyAction.Pass)
        {
            return new PolicyTestResult("block", client.Rule?.Id ?? "default", version, steps, NamePassShadowing.Find(policy.Document));
        }

        var auth = DecisionProcedure.OnAuth(policy, from, on);
        var offered = new List<string>();
        if (auth.HasFlag(AuthRequirement.NoneAccepted))
        {
            offered.Add("none");
        }

        if (auth.HasFlag(AuthRequirement.PasswordAccepted))
        {
            offered.Add("password");
        }

        steps.Add(new PolicyTestStep(
            "auth",
            offered.Count == 0 ? "refused" : string.Join(",", offered),
            null,
            null,
            offered.Count == 0
                ? "no pass rule applies to this source and listener: the handshake is refused"
                : $"methods offered: those some pass rule for this source and listener accepts{(request.User is null ? string.Empty : $"; {request.User}'s password itself is not checked here")}"));

        var who = request.User is null ? "no user" : $"user {request.User}";
        var verdict = DecisionProcedure.OnRequest(policy, question);
        if (command == SocksCommand.UdpAssociate)
        {
            steps.Add(new PolicyTestStep(
                "associate",
                Word(verdict.Decision.Action),
                verdict.Decision.Rule?.Id,
                verdict.Decision.Rule?.Line,
                verdict.Decision.Rule is { } udpRule
                    ? $"{Describe(udpRule, lines)} is the first udp pass rule that can apply to {from} on {on} with {who}; each datagram is decided on its destination"
                    : $"no udp pass rule can apply to {from} on {on} with {who}: the association is refused"));
            if (verdict.Step == RequestStep.Refuse)
            {
                return new PolicyTestResult("block", "default", version, steps);
            }
        }
        else
        {
            steps.Add(RequestStepOf(verdict, request, question, who, lines));
        }

        // The node takes its limit places once the request as sent is not refused, before it resolves anything.
        if (verdict.Step != RequestStep.Refuse && LimitStep(policy, question, who, lines, openSessions, steps) is { } full)
        {
            return new PolicyTestResult("block", LimitVerdict.RuleOf(full), version, steps, NamePassShadowing.Find(policy.Document));
        }

        if (command == SocksCommand.UdpAssociate)
        {
            verdict = DecisionProcedure.OnDestination(policy, question);
            steps.Add(RequestStepOf(verdict, request, question, who, lines));
        }

        if (verdict.Step == RequestStep.Resolve)
        {
            if (resolved is null || resolved.Count == 0)
            {
                steps.Add(new PolicyTestStep("resolve", "unresolved", null, null, $"{question.Host} was not resolved here: its addresses are not checked (the node replies host-unreachable to a name that does not resolve)"));
            }
            else
            {
                steps.Add(new PolicyTestStep("resolve", "resolved", null, null, $"resolved with the node's resolver to {string.Join(", ", resolved)}"));
                verdict = DecisionProcedure.OnResolved(policy, question, resolved);
                foreach (var (address, byAddress, onRoute) in verdict.Addresses)
                {
                    steps.Add(new PolicyTestStep(
                        "address",
                        Word(byAddress.Action),
                        byAddress.Rule?.Id,
                        byAddress.Rule?.Line,
                        (byAddress.Rule is { } addressRule
                            ? $"{address}: {Describe(addressRule, lines)} is the first rule matching it"
                            : $"{address}: no rule matches: blocked by default")
                        + (onRoute ? string.Empty : "; another route takes it, so it is not tried on this one")));
                }
            }
        }

        var route = verdict.Route;
        if (command == SocksCommand.Connect)
        {
            steps.Add(new PolicyTestStep(
                "route",
                Target(route.Target),
                route.Rule?.Id,
                route.Rule?.Line,
                route.Rule is { } routeRule ? $"{Describe(routeRule, lines)} is the first route matching {request.To}" : "no route rule matches: dialed directly"));
        }

        // A name left unresolved keeps the decision on the name: its addresses were not checked here.
        var passed = verdict.Step is RequestStep.Proceed or RequestStep.Forward || (verdict.Step == RequestStep.Resolve && verdict.Decision.Action == PolicyAction.Pass);
        return new PolicyTestResult(passed ? "pass" : "block", verdict.Decision.Rule?.Id ?? "default", version, steps, NamePassShadowing.Find(policy.Document));
    }

    /// <summary>The request's own step: the decision on the request as sent, and why.</summary>
    private static PolicyTestStep RequestStepOf(RequestVerdict verdict, PolicyTestRequest request, in PolicyRequest question, string who, string[] lines)
    {
        var nameNote = verdict.Reason switch
        {
            VerdictReason.NameBlocked => "; an explicit block on the name refuses it",
            VerdictReason.NamePassedForUpstream => "; routed upstream unresolved, so the pass on the name itself decides",
            VerdictReason.NameNotPassedForUpstream => "; routed upstream unresolved, so no address of it is ever checked and the name itself needs a pass: refused",
            VerdictReason.NoRuleCanPassName => "; no pass rule could match the name or any address of it, so it is refused without being resolved",
            VerdictReason.NameNeedsAddresses => "; checked on the name, and again on every address it resolves to",
            _ => string.Empty,
        };
        var decision = verdict.Decision;
        return new PolicyTestStep(
            "request",
            Word(decision.Action),
            decision.Rule?.Id,
            decision.Rule?.Line,
            decision.Rule is { } requestRule
                ? $"{Describe(requestRule, lines)} is the first rule matching {Command(question.Command)} from {question.Client} to {request.To} with {who}{nameNote}"
                : $"no rule matches {Command(question.Command)} from {question.Client} to {request.To} with {who}: blocked by default{nameNote}");
    }

    /// <summary>
    /// The session limits step, added only when some limit covers this client or user (the node takes them right
    /// after the request as sent is granted, before any name is resolved); the full limit, when one is.
    /// </summary>
    private static SessionLimit? LimitStep(CompiledPolicy policy, in PolicyRequest question, string who, string[] lines, Func<LimitSubject, int>? openSessions, List<PolicyTestStep> steps)
    {
        var limits = DecisionProcedure.OnLimits(policy, question, openSessions);
        foreach (var limit in limits.Applicable)
        {
            var rule = LimitVerdict.RuleOf(limit);
            var text = limit.Line >= 1 && limit.Line <= lines.Length ? $"{rule} `{lines[limit.Line - 1].Trim()}`" : rule;
            if (openSessions is null)
            {
                steps.Add(new PolicyTestStep("limit", "applies", rule, limit.Line, $"{text} covers {question.Client} with {who}: counted on each node, which refuses a session over {limit.MaxSessions}"));
                continue;
            }

            var open = openSessions(limit.Subject);
            var full = ReferenceEquals(limit, limits.Full);
            steps.Add(new PolicyTestStep(
                "limit",
                full ? "block" : "pass",
                rule,
                limit.Line,
                $"{text}: {limit.Subject} has {open} of {limit.MaxSessions} sessions open on this node{(full ? ": a new session is refused" : string.Empty)}"));
            if (full)
            {
                return limit;
            }
        }

        return null;
    }

    private static PolicyRequest Prepare(CompiledPolicy policy, PolicyTestRequest request, IPAddress listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IPAddress.TryParse(request.From, out var from))
        {
            throw new FormatException($"--from '{request.From}' is not an IP address");
        }

        var on = listener;
        if (request.On is not null && !IPAddress.TryParse(request.On, out on))
        {
            throw new FormatException($"--on '{request.On}' is not an IP address");
        }

        var (host, address, port) = ParseDestination(request.To);
        // A name with '@' that no user statement defines is a Kerberos principal, as the node would see it after GSSAPI.
        var method = request.User is null ? AuthMethod.None : IsKerberosPrincipal(policy, request.User) ? AuthMethod.Gssapi : AuthMethod.Password;
        return new PolicyRequest(ParseCommand(request.Command), from.Unmapped(), on.Unmapped(), host, address?.Unmapped(), port, method, request.User);
    }

    private static bool IsKerberosPrincipal(CompiledPolicy policy, string user) => user.Contains('@', StringComparison.Ordinal) && !policy.HasUser(user);

    private static (string? Host, IPAddress? Address, int Port) ParseDestination(string to)
    {
        var colon = to.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(to.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"--to '{to}' is not host:port or address:port (IPv6 as [::1]:443)");
        }

        var name = to[..colon].Trim('[', ']');
        return IPAddress.TryParse(name, out var address) ? (null, address, port) : (name, null, port);
    }

    private static SocksCommand ParseCommand(string? command) => command?.ToLowerInvariant() switch
    {
        null or "connect" => SocksCommand.Connect,
        "bind" => SocksCommand.Bind,
        "udp" => SocksCommand.UdpAssociate,
        _ => throw new FormatException($"--cmd '{command}' is not connect, bind or udp"),
    };

    private static string Command(SocksCommand command) => command switch
    {
        SocksCommand.Bind => "bind",
        SocksCommand.UdpAssociate => "udp",
        _ => "connect",
    };

    private static string Word(PolicyAction action) => action == PolicyAction.Pass ? "pass" : "block";

    private static string Target(RouteTarget target) => target switch
    {
        EgressRoute egress => $"egress {egress.Source}",
        UpstreamRoute upstream => $"socks5 {upstream.Host}:{upstream.Port}",
        _ => "direct",
    };

    /// <summary>The rule's name or line, with its text when the line is in the enforced source.</summary>
    private static string Describe(PolicyRuleInfo rule, string[] lines)
    {
        if (rule.Line < 1 || rule.Line > lines.Length)
        {
            return $"rule '{rule.Id}'";
        }

        var line = lines[rule.Line - 1].Trim();
        var fromSource = rule.Id.StartsWith("line ", StringComparison.Ordinal) || line.Contains($"name {rule.Id}", StringComparison.Ordinal);
        return fromSource ? $"line {rule.Line} `{line}`" : $"rule '{rule.Id}'";
    }
}
