using Farm.Node.Logging;
using Farm.Node.Policy;
using Farm.Shared.Admin;

namespace Farm.Node.Admin;

/// <summary>
/// Apply, history and rollback on this node alone: each accepted text becomes the holder's next
/// version and is kept in memory, so a rollback recompiles exactly what was enforced before.
/// </summary>
public sealed class LocalPolicyAdmin : IPolicyAdmin
{
    private const int Keep = 50;

    private readonly PolicyFileSource _source;
    private readonly PolicyHolder _holder;
    private readonly string _node;
    private readonly Lock _lock = new();
    private readonly List<Entry> _history = [];

    public LocalPolicyAdmin(PolicyFileSource source, PolicyHolder holder, SessionLog log)
    {
        _source = source;
        _holder = holder;
        _node = log.NodeName;
    }

    public PolicyView Show()
    {
        var entry = CurrentEntry();
        var snapshot = entry.Snapshot;
        return new PolicyView(snapshot.Version, entry.Author, snapshot.Source, snapshot.LoadedAt, snapshot.Policy.RuleCount, entry.Text);
    }

    public Task<PolicyApplyResult> ApplyAsync(string text, string author, CancellationToken cancel)
    {
        lock (_lock)
        {
            CurrentEntry();
            try
            {
                var next = _source.Compile(text, $"farmctl ({author})");
                _holder.Swap(next);
                Remember(new Entry(next, text, author));
                return Task.FromResult(new PolicyApplyResult(true, next.Version, []));
            }
            catch (PolicyLoadException e)
            {
                var errors = e.Errors.Select(x => new PolicyProblem(x.Line, x.Column, x.Message)).ToList();
                return Task.FromResult(new PolicyApplyResult(false, _holder.Current.Version, errors));
            }
        }
    }

    public IReadOnlyList<PolicyHistoryEntry> History()
    {
        lock (_lock)
        {
            var current = CurrentEntry().Snapshot.Version;
            return [.. _history.Select(e => new PolicyHistoryEntry(
                e.Snapshot.Version, e.Author, e.Snapshot.Source, e.Snapshot.LoadedAt, e.Snapshot.Policy.RuleCount, e.Snapshot.Version == current))];
        }
    }

    public async Task<PolicyApplyResult?> RollbackAsync(long? version, string author, CancellationToken cancel)
    {
        Entry? target;
        lock (_lock)
        {
            var current = CurrentEntry();
            target = version is { } v
                ? _history.FirstOrDefault(e => e.Snapshot.Version == v)
                : _history.LastOrDefault(e => e.Snapshot.Version < current.Snapshot.Version && e.Text != current.Text);
        }

        return target is null
            ? null
            : await ApplyAsync(target.Text, $"{author}, rollback to version {target.Snapshot.Version}", cancel).ConfigureAwait(false);
    }

    public Task<PolicyStatus> StatusAsync(CancellationToken cancel)
    {
        var version = _holder.Current.Version;
        return Task.FromResult(new PolicyStatus(version, true, "local", [new PolicyMemberVersion(_node, version)]));
    }

    /// <summary>The history's entry for what the holder enforces; a version loaded elsewhere (start, SIGHUP) is recorded first.</summary>
    private Entry CurrentEntry()
    {
        lock (_lock)
        {
            var current = _holder.Current;
            if (_history.Count > 0 && _history[^1].Snapshot.Version == current.Version)
            {
                return _history[^1];
            }

            var entry = new Entry(current, ReadSourceText(current), "node");
            Remember(entry);
            return entry;
        }
    }

    private string ReadSourceText(PolicySnapshot snapshot)
    {
        try
        {
            return _source.ReadText();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Farm.Shared.Policy.PolicyPrinter.Print(snapshot.Policy.Document);
        }
    }

    private void Remember(Entry entry)
    {
        _history.Add(entry);
        if (_history.Count > Keep)
        {
            _history.RemoveAt(0);
        }
    }

    private sealed record Entry(PolicySnapshot Snapshot, string Text, string Author);
}
