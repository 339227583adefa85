using Farm.Node.Policy;
using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Replication;

namespace Farm.Node.Admin;

/// <summary>
/// The policy palette on a clustered node: apply, rollback and reload write a new farm-wide version through
/// <see cref="PolicyApplier"/> (validated first, then compare-and-set: the version after the one the
/// operator saw, or a conflict); status is every member's enforced version.
/// </summary>
public sealed class ClusterPolicyAdmin(PolicyHolder holder, PolicyHistory history, PolicyFileSource source, PolicyApplier applier) : IPolicyAdmin
{
    public PolicyView Show()
    {
        var current = holder.Current;
        var text = history.TextOf(current.Version) ?? source.ReadText();
        var author = current.Source.StartsWith("farm:", StringComparison.Ordinal) ? current.Source[5..] : "node";
        return new PolicyView(current.Version, author, current.Source, current.LoadedAt, current.Policy.RuleCount, PolicyRedactor.Redact(text));
    }

    public PolicyView? Show(long version)
    {
        var entry = history.List(holder.Current.Version).FirstOrDefault(e => e.Version == version);
        return entry is not null && history.TextOf(version) is { } text
            ? new PolicyView(version, entry.Author, entry.Source, entry.Time, entry.Rules, PolicyRedactor.Redact(text))
            : null;
    }

    public Task<PolicyApplyResult> ApplyAsync(string text, string author, long? expected, CancellationToken cancel) =>
        ApplyAsync(text, author, expected, fromLocalFile: false, cancel);

    private async Task<PolicyApplyResult> ApplyAsync(string text, string author, long? expected, bool fromLocalFile, CancellationToken cancel)
    {
        // "Applied" already means this member enforces exactly this write (PolicyApplier waits for it).
        var result = await applier.ApplyAsync(text, author, expected ?? holder.Current.Version, fromLocalFile: fromLocalFile).WaitAsync(cancel).ConfigureAwait(false);

        return result.Outcome switch
        {
            ApplyOutcome.Applied => new PolicyApplyResult(true, result.Version, [], Enforcing: result.Enforcing, Members: result.Members),
            ApplyOutcome.Unknown => new PolicyApplyResult(false, holder.Current.Version, [], Unknown: result.Message),
            ApplyOutcome.Conflict => new PolicyApplyResult(false, result.Version, [], result.Message),
            ApplyOutcome.Invalid => new PolicyApplyResult(false, holder.Current.Version, [.. result.Errors.Select(e => new PolicyProblem(e.Line, e.Column, e.Message))]),
            _ => new PolicyApplyResult(false, holder.Current.Version, [new PolicyProblem(0, 0, result.Message)]),
        };
    }

    public async Task<PolicyApplyResult> ReloadAsync(string author, long? expected, CancellationToken cancel)
    {
        string text;
        try
        {
            text = source.ReadText();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PolicyApplyResult(false, holder.Current.Version, [new PolicyProblem(0, 0, $"{source.SourceName}: {e.Message}")]);
        }

        return await ApplyAsync(text, $"{author}, reload of {source.SourceName}", expected, fromLocalFile: true, cancel).ConfigureAwait(false);
    }

    public IReadOnlyList<PolicyHistoryEntry> History() => history.List(holder.Current.Version);

    public async Task<PolicyApplyResult?> RollbackAsync(long? version, long? expected, string author, CancellationToken cancel)
    {
        if (history.Find(version, holder.Current.Version) is not { } target)
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
            [.. status.Members.Select(m => new PolicyMemberVersion(m.Address, m.Version ?? 0))]);
    }
}
