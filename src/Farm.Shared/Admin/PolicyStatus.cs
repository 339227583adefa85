namespace Farm.Shared.Admin;

/// <summary>The version each member enforces; <see cref="Replication"/> says whether the policy is replicated or local to the node.</summary>
public sealed record PolicyStatus(long Latest, bool Converged, string Replication, IReadOnlyList<PolicyMemberVersion> Members);
