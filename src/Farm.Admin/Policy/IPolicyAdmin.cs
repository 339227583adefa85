using Farm.Shared.Admin;
using Farm.Shared.Replication.Signing;

namespace Farm.Admin.Policy;

/// <summary>
/// What the admin endpoint's policy palette needs from a member. Every member serves it from the
/// replicated policy it holds, so any member answers <c>farmctl policy</c>.
/// </summary>
public interface IPolicyAdmin
{
    PolicyView Show();

    /// <summary>An earlier version from this member's history; null when it is not there.</summary>
    PolicyView? Show(long version);

    /// <summary>Writes the text as the version after <paramref name="expected"/> (null: the version this member enforces).</summary>
    /// <param name="signed">The operator's signature over the write, passed on to the farm's policy writer; null when farmctl sent none.</param>
    Task<PolicyApplyResult> ApplyAsync(string text, string author, long? expected, OperatorSignature? signed, CancellationToken cancel);

    IReadOnlyList<PolicyHistoryEntry> History();

    /// <summary>Re-applies an earlier version (the previous one when null); null when that version is not in the history.</summary>
    Task<PolicyApplyResult?> RollbackAsync(long? version, long? expected, string author, CancellationToken cancel);

    Task<PolicyStatus> StatusAsync(CancellationToken cancel);

    /// <summary>Re-reads the member's policy file (or embedded default) and applies it, as SIGHUP does.</summary>
    Task<PolicyApplyResult> ReloadAsync(string author, long? expected, CancellationToken cancel);

    /// <summary>Decides the request as this member would, without sending it; <see cref="FormatException"/> on a malformed request.</summary>
    Task<PolicyTestResult> TestAsync(PolicyTestRequest request, CancellationToken cancel);
}
