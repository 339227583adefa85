namespace Farm.Shared.Policy;

public sealed record RouteRule(
    int Line,
    EquatableArray<Destination>? To,
    EquatableArray<PortRange>? Ports,
    RouteTarget Via);
