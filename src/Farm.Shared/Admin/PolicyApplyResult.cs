namespace Farm.Shared.Admin;

/// <summary>
/// Whether a policy was taken; when refused, every error and the version that stays; when another write
/// came first, <paramref name="Conflict"/> says which version the farm is on and who wrote it.
/// </summary>
public sealed record PolicyApplyResult(bool Applied, long Version, IReadOnlyList<PolicyProblem> Errors, string? Conflict = null);
