namespace Farm.Shared.Replication;

/// <summary>One member in "policy status": its address, roles, and the version it enforces with that version's digest (null: none reported).</summary>
public sealed record MemberPolicyVersion(string Address, IReadOnlyList<string> Roles, string Status, long? Version, string? Digest = null);
