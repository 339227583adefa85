namespace Farm.Shared.Admin;

/// <summary>The version each member enforces; <see cref="Replication"/> says whether the policy is replicated or local to the node.</summary>
/// <param name="LatestDigest">The farm's version's digest: converged means every member enforces this very version, not only its number.</param>
public sealed record PolicyStatus(long Latest, bool Converged, string Replication, IReadOnlyList<PolicyMemberVersion> Members, string? LatestDigest = null);
