using System.Collections.Concurrent;
using Farm.Shared.Policy;

namespace Farm.Node.Sessions;

/// <summary>
/// Counts open sessions per policy limit subject ("user alice", "group staff", "from 10.0.0.0/8")
/// on this node. A session takes a slot under every limit that covers it, or none at all.
/// </summary>
public sealed class SessionLimiter
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Takes a slot under each limit; on the first one that is full, gives back what it took.</summary>
    public bool TryAcquire(IReadOnlyList<SessionLimit> limits, out SessionLimit? exceeded)
    {
        for (var i = 0; i < limits.Count; i++)
        {
            var count = _open.AddOrUpdate(limits[i].Subject.ToString(), 1, static (_, open) => open + 1);
            if (count > limits[i].MaxSessions)
            {
                for (var taken = i; taken >= 0; taken--)
                {
                    Release(limits[taken]);
                }

                exceeded = limits[i];
                return false;
            }
        }

        exceeded = null;
        return true;
    }

    public void Release(IReadOnlyList<SessionLimit> limits)
    {
        foreach (var limit in limits)
        {
            Release(limit);
        }
    }

    public int OpenFor(LimitSubject subject) => _open.TryGetValue(subject.ToString(), out var open) ? open : 0;

    private void Release(SessionLimit limit) =>
        _open.AddOrUpdate(limit.Subject.ToString(), 0, static (_, open) => Math.Max(0, open - 1));
}
