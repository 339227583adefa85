namespace Farm.Shared.Admin;

/// <summary>Whether a policy was taken; when refused, every error and the version that stays.</summary>
public sealed record PolicyApplyResult(bool Applied, long Version, IReadOnlyList<PolicyProblem> Errors);
