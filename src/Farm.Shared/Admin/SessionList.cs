namespace Farm.Shared.Admin;

public sealed record SessionList(string Node, IReadOnlyList<SessionInfo> Sessions);
