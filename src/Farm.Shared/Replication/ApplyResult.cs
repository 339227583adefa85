using Farm.Shared.Policy;

namespace Farm.Shared.Replication;

/// <summary>What became of an apply: the version written, or the line:column errors, or why it failed.</summary>
/// <param name="Enforcing">When applied: how many members enforced the version as the writer answered.</param>
/// <param name="Members">When applied: how many members the farm had then.</param>
public sealed record ApplyResult(ApplyOutcome Outcome, long Version, IReadOnlyList<PolicyError> Errors, string Message, int Enforcing = 0, int Members = 0)
{
    public bool Succeeded => Outcome == ApplyOutcome.Applied;

    public static ApplyResult Applied(long version, int enforcing, int members) =>
        new(ApplyOutcome.Applied, version, [], $"version {version} stored by a majority; {enforcing} of {members} members enforce it", enforcing, members);

    /// <summary>No answer within the bound: whether the write was taken is not known here.</summary>
    public static ApplyResult Unknown(string reason) =>
        new(ApplyOutcome.Unknown, 0, [], $"{reason}; the outcome is unknown: check `farmctl policy status` before re-running");

    public static ApplyResult Invalid(IReadOnlyList<PolicyError> errors) =>
        new(ApplyOutcome.Invalid, 0, errors, "policy refused: " + string.Join("; ", errors));

    public static ApplyResult NotConfirmed(long version, TimeSpan timeout) =>
        new(ApplyOutcome.NotConfirmed, version, [], $"version {version} written locally; no majority confirmed within {timeout.TotalSeconds:0.#} s");

    /// <summary>Stored by a majority, but fewer than a majority of the members enforce it (they refuse it, or are slow).</summary>
    public static ApplyResult NotEnforced(long version, int enforcing, int members, TimeSpan timeout) =>
        new(ApplyOutcome.NotConfirmed, version, [], $"version {version} was stored, but only {enforcing} of {members} members enforce it after {timeout.TotalSeconds:0.#} s; see `policy status` and the members' /healthz/ready");

    public static ApplyResult Failed(string reason) => new(ApplyOutcome.Failed, 0, [], reason);

    /// <summary>The farm holds <paramref name="current"/>, not the version the write replaces: the operator re-runs against it.</summary>
    public static ApplyResult Conflict(PolicyEnvelope current) =>
        new(ApplyOutcome.Conflict, current.Version, [], $"conflict: version {current.Version} was written by {current.WrittenBy}; re-run");
}
