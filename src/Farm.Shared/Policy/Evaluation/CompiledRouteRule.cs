namespace Farm.Shared.Policy;

internal sealed class CompiledRouteRule(RouteRule rule)
{
    public RouteDecision Decision { get; } = new(rule.Via, PolicyRuleInfo.For(rule.Line, null, PolicyLogLevel.None));

    private readonly DestinationSet? _to = rule.To is { } to ? new DestinationSet(to) : null;

    private readonly PortSet? _ports = rule.Ports is { } ports ? new PortSet(ports) : null;

    public bool Matches(ReadOnlySpan<char> host, bool hasHost, IpKey address, bool hasAddress, int port) =>
        (_ports is null || _ports.Contains(port)) && (_to is null || _to.Matches(host, hasHost, address, hasAddress));
}
