using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Replication;
using Farm.Shared.Replication.Signing;

namespace Farm.Admin.Policy;

/// <summary>
/// The policy palette of a cluster member: apply, rollback and reload write a new farm-wide version through
/// <see cref="PolicyApplier"/> (validated first, then compare-and-set: the version after the one the
/// operator saw, or a conflict); history is what this member enforced; status is every member's version.
/// A member supplies what it enforces, where its reload reads from, and how it decides a test request.
/// </summary>
public abstract class ReplicatedPolicyAdmin(PolicyHistory history, PolicyApplier applier) : IPolicyAdmin
{
    /// <summary>The version this member enforces.</summary>
    protected abstract long Version { get; }

    /// <summary>The text a reload applies, and whether it is this member's own file (its opt-ins follow it).</summary>
    protected abstract PolicySeed ReloadSource { get; }

    protected abstract bool ReloadIsOwnFile { get; }

    public abstract PolicyView Show();

    public abstract Task<PolicyTestResult> TestAsync(PolicyTestRequest request, CancellationToken cancel);

    public PolicyView? Show(long version)
    {
        var entry = history.List(Version).FirstOrDefault(e => e.Version == version);
        return entry is not null && history.TextOf(version) is { } text
            ? new PolicyView(version, entry.Author, entry.Source, entry.Time, entry.Rules, PolicyRedactor.Redact(text))
            : null;
    }

    /// <summary>This member's record of <paramref name="version"/>'s text, null when it holds none.</summary>
    protected string? TextOf(long version) => history.TextOf(version);

    public Task<PolicyApplyResult> ApplyAsync(string text, string author, long? expected, OperatorSignature? signed, CancellationToken cancel) =>
        ApplyAsync(text, author, expected, fromLocalFile: false, cancel, signed);

    private async Task<PolicyApplyResult> ApplyAsync(string text, string author, long? expected, bool fromLocalFile, CancellationToken cancel, OperatorSignature? signed = null)
    {
        // "Applied" already means this member enforces exactly this write (PolicyApplier waits for it).
        var result = await applier.ApplyAsync(text, author, expected ?? Version, fromLocalFile: fromLocalFile, signed: signed).WaitAsync(cancel).ConfigureAwait(false);

        return result.Outcome switch
        {
            ApplyOutcome.Applied => new PolicyApplyResult(true, result.Version, [], Enforcing: result.Enforcing, Members: result.Members),
            ApplyOutcome.Unknown => new PolicyApplyResult(false, Version, [], Unknown: result.Message),
            ApplyOutcome.Conflict => new PolicyApplyResult(false, result.Version, [], result.Message),
            ApplyOutcome.Invalid => new PolicyApplyResult(false, Version, [.. result.Errors.Select(e => new PolicyProblem(e.Line, e.Column, e.Message))]),
            _ => new PolicyApplyResult(false, Version, [new PolicyProblem(0, 0, result.Message)]),
        };
    }

    public async Task<PolicyApplyResult> ReloadAsync(string author, long? expected, CancellationToken cancel)
    {
        var source = ReloadSource;
        string text;
        try
        {
            text = source.ReadText();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PolicyApplyResult(false, Version, [new PolicyProblem(0, 0, $"{source.Source}: {e.Message}")]);
        }

        return await ApplyAsync(text, $"{author}, reload of {source.Source}", expected, fromLocalFile: ReloadIsOwnFile, cancel).ConfigureAwait(false);
    }

    public IReadOnlyList<PolicyHistoryEntry> History() => history.List(Version);

    public async Task<PolicyApplyResult?> RollbackAsync(long? version, long? expected, string author, CancellationToken cancel)
    {
        if (history.Find(version, Version) is not { } target)
        {
            return null;
        }

        return await ApplyAsync(target.Text, $"{author}, rollback to version {target.Version}", expected, fromLocalFile: target.OwnLocalFile, cancel).ConfigureAwait(false);
    }

    public async Task<Farm.Shared.Admin.PolicyStatus> StatusAsync(CancellationToken cancel)
    {
        var status = await applier.GetStatusAsync().WaitAsync(cancel).ConfigureAwait(false);
        return new Farm.Shared.Admin.PolicyStatus(
            status.FarmVersion,
            status.Converged,
            "replicated",
            [.. status.Members.Select(m => new PolicyMemberVersion(m.Address, m.Version ?? 0, m.Digest))],
            status.FarmDigest);
    }
}
