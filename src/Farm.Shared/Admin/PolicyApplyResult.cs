namespace Farm.Shared.Admin;

/// <summary>
/// Whether a policy was taken; when refused, every error and the version that stays; when another write
/// came first, <paramref name="Conflict"/> says which version the farm is on and who wrote it; when no
/// answer came in time, <paramref name="Unknown"/> says so (the write may or may not have been taken).
/// </summary>
/// <param name="Enforcing">When applied: how many members enforced it as the farm answered.</param>
/// <param name="Members">When applied: how many members the farm had.</param>
public sealed record PolicyApplyResult(bool Applied, long Version, IReadOnlyList<PolicyProblem> Errors, string? Conflict = null, int? Enforcing = null, int? Members = null, string? Unknown = null);
