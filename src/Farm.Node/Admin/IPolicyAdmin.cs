using Farm.Shared.Admin;

namespace Farm.Node.Admin;

/// <summary>
/// What the admin endpoint's policy palette needs; <see cref="ClusterPolicyAdmin"/> serves it from
/// the replicated policy.
/// </summary>
public interface IPolicyAdmin
{
    PolicyView Show();

    /// <summary>An earlier version from this member's history; null when it is not there.</summary>
    PolicyView? Show(long version);

    /// <summary>Writes the text as the version after <paramref name="expected"/> (null: the version this member enforces).</summary>
    Task<PolicyApplyResult> ApplyAsync(string text, string author, long? expected, CancellationToken cancel);

    IReadOnlyList<PolicyHistoryEntry> History();

    /// <summary>Re-applies an earlier version (the previous one when null); null when that version is not in the history.</summary>
    Task<PolicyApplyResult?> RollbackAsync(long? version, long? expected, string author, CancellationToken cancel);

    Task<PolicyStatus> StatusAsync(CancellationToken cancel);

    /// <summary>Re-reads the member's policy file (or embedded default) and applies it, as SIGHUP does.</summary>
    Task<PolicyApplyResult> ReloadAsync(string author, long? expected, CancellationToken cancel);
}
