using System.Globalization;
using System.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Shared.Admin;

/// <summary>
/// Runs a request through a compiled policy the way a node would (client, auth, request, route)
/// without sending anything, and says which rule decides each stage and why.
/// </summary>
public static class PolicyTester
{
    public static PolicyTestResult Run(CompiledPolicy policy, long version, string text, PolicyTestRequest request, IPAddress listener)
    {
        ArgumentNullException.ThrowIfNull(policy);
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
        var command = ParseCommand(request.Command);
        var lines = PolicyRedactor.Redact(text).Split('\n');
        var steps = new List<PolicyTestStep>();

        var client = policy.DecideClient(from, on);
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

        var auth = policy.AuthFor(from, on);
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

        var method = request.User is null ? AuthMethod.None : AuthMethod.Password;
        var decision = policy.Decide(new PolicyRequest(command, from, on, host, address, port, method, request.User));
        var who = request.User is null ? "no user" : $"user {request.User}";
        var nameNote = host is null ? string.Empty : "; checked on the name, and again on every address it resolves to";
        steps.Add(new PolicyTestStep(
            "request",
            Word(decision.Action),
            decision.Rule?.Id,
            decision.Rule?.Line,
            decision.Rule is { } requestRule
                ? $"{Describe(requestRule, lines)} is the first rule matching {Command(command)} from {from} to {request.To} with {who}{nameNote}"
                : $"no rule matches {Command(command)} from {from} to {request.To} with {who}: blocked by default{nameNote}"));

        var route = policy.Route(host, address, port);
        steps.Add(new PolicyTestStep(
            "route",
            Target(route.Target),
            route.Rule?.Id,
            route.Rule?.Line,
            route.Rule is { } routeRule ? $"{Describe(routeRule, lines)} is the first route matching {request.To}" : "no route rule matches: dialed directly"));

        return new PolicyTestResult(Word(decision.Action), decision.Rule?.Id ?? "default", version, steps, NamePassShadowing.Find(policy.Document));
    }

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
