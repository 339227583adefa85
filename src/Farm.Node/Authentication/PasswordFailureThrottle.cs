using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Authentication;

/// <summary>
/// Counts wrong passwords per source (<see cref="SourceKey"/>); after <c>failures</c> of them within
/// <c>window</c> the source is refused without hashing for <c>backoff</c>. Other sources are never
/// affected, so a guesser cannot lock a user out from elsewhere.
/// </summary>
public sealed class PasswordFailureThrottle(int failures, TimeSpan window, TimeSpan backoff, TimeProvider time)
{
    /// <summary>Sweeps of forgotten sources start above this many tracked ones, so a spread attack cannot grow the table without end.</summary>
    private const int SweepAbove = 10_000;

    private readonly Dictionary<SourceKey, Entry> _sources = [];
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public bool IsThrottled(IPAddress source)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return _sources.TryGetValue(SourceKey.Of(source), out var entry) && entry.BlockedUntil > now;
        }
    }

    public void RecordFailure(IPAddress source)
    {
        var now = time.GetUtcNow();
        var key = SourceKey.Of(source);
        lock (_gate)
        {
            if (!_sources.TryGetValue(key, out var entry) || now - entry.WindowStart > window)
            {
                entry = new Entry(now, 0, DateTimeOffset.MinValue);
            }

            entry = entry with { Failures = entry.Failures + 1 };
            if (entry.Failures >= failures)
            {
                entry = new Entry(now, 0, now + backoff);
            }

            _sources[key] = entry;
            if (_sources.Count > SweepAbove && now - _lastSweep > window)
            {
                _lastSweep = now;
                Sweep(now);
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _sources)
        {
            if (entry.BlockedUntil <= now && now - entry.WindowStart > window)
            {
                _sources.Remove(key);
            }
        }
    }

    private readonly record struct Entry(DateTimeOffset WindowStart, int Failures, DateTimeOffset BlockedUntil);
}
