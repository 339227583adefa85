namespace Farm.Shared.Admin;

/// <summary>One membership or reachability event, one JSON line each on <c>cluster tail</c>.</summary>
public sealed record ClusterEventLine(DateTimeOffset Time, string Event, string Address, IReadOnlyList<string> Roles);
