using Farm.Shared.Admin;

namespace Farm.Shared.Replication;

/// <summary>
/// The policy versions this member has enforced, with their text, newest last, so that "policy
/// history" can list them and "policy rollback" can apply an earlier text again as a new version.
/// Kept in memory: a restarted member starts its history from the version it comes back with.
/// </summary>
public sealed class PolicyHistory
{
    private const int Keep = 50;

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];

    public void Record(long version, string author, string source, DateTimeOffset time, int rules, string text, bool ownLocalFile)
    {
        lock (_lock)
        {
            if (_entries.Count > 0 && _entries[^1].Version == version)
            {
                return;
            }

            _entries.Add(new Entry(version, author, source, time, rules, text, ownLocalFile));
            if (_entries.Count > Keep)
            {
                _entries.RemoveAt(0);
            }
        }
    }

    public IReadOnlyList<PolicyHistoryEntry> List(long current)
    {
        lock (_lock)
        {
            return [.. _entries.Select(e => new PolicyHistoryEntry(e.Version, e.Author, e.Source, e.Time, e.Rules, e.Version == current))];
        }
    }

    /// <summary>
    /// The text of <paramref name="version"/>, or of the newest version before <paramref name="current"/> with a
    /// different text, and whether it was this node's own file: a rollback restores that too.
    /// </summary>
    public (long Version, string Text, bool OwnLocalFile)? Find(long? version, long current)
    {
        lock (_lock)
        {
            var currentText = _entries.LastOrDefault(e => e.Version == current)?.Text;
            var entry = version is { } wanted
                ? _entries.FirstOrDefault(e => e.Version == wanted)
                : _entries.LastOrDefault(e => e.Version < current && e.Text != currentText);
            return entry is null ? null : (entry.Version, entry.Text, entry.OwnLocalFile);
        }
    }

    public string? TextOf(long version)
    {
        lock (_lock)
        {
            return _entries.LastOrDefault(e => e.Version == version)?.Text;
        }
    }

    private sealed record Entry(long Version, string Author, string Source, DateTimeOffset Time, int Rules, string Text, bool OwnLocalFile);
}
