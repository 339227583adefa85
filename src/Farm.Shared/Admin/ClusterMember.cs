namespace Farm.Shared.Admin;

/// <summary>One cluster member as <c>cluster show</c> lists it.</summary>
public sealed record ClusterMember(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable);
