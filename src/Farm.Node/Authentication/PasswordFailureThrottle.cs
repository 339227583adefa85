using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Authentication;

/// <summary>
/// Counts wrong passwords per source (<see cref="SourceKey"/>, grouped as the per-source caps group
/// them: <paramref name="prefixes"/>, loopback as one); after <c>failures</c> of them within
/// <c>window</c> the source is refused without hashing for <c>backoff</c>. Other sources are never
/// affected, so a guesser cannot lock a user out from elsewhere.
/// <para>
/// An IPv6 source is also counted in an aggregate per /48 (the usual single site's allocation), with
/// <see cref="AggregateFactor"/> times the budget: otherwise the 65,536 /64s of one /48 would each get
/// fresh attempts.
/// </para>
/// <para>
/// A login refused because every hashing place was taken is not a wrong password: an honest client
/// caught in someone else's flood must not be throttled for it. Such overflows have a budget of their
/// own, <see cref="OverflowsPerFailure"/> times larger, only so that guessing against the cheap check
/// of already verified passwords (which runs before a place is taken) stays bounded while a flood
/// keeps the queue full.
/// </para>
/// </summary>
public sealed class PasswordFailureThrottle(int failures, TimeSpan window, TimeSpan backoff, TimeProvider time, SourcePrefixLengths prefixes)
{
    /// <summary>Overflowed logins a source may have within the window for each wrong password it may have.</summary>
    public const int OverflowsPerFailure = 10;

    /// <summary>A /48's budget, in sources' budgets: room for a site's many honest hosts, not for 65,536 fresh ones.</summary>
    public const int AggregateFactor = 16;

    /// <summary>The IPv6 prefix every source under it shares an aggregate budget with.</summary>
    public const int AggregatePrefix = 48;

    /// <summary>Sweeps of forgotten sources start above this many tracked ones, so a spread attack cannot grow the table without end.</summary>
    private const int SweepAbove = 10_000;

    private readonly Dictionary<SourceKey, Entry> _sources = [];
    private readonly Dictionary<SourceKey, Entry> _aggregates = [];
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public PasswordFailureThrottle(int failures, TimeSpan window, TimeSpan backoff, TimeProvider time)
        : this(failures, window, backoff, time, SourcePrefixLengths.PerHost)
    {
    }

    public bool IsThrottled(IPAddress source)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return (_sources.TryGetValue(SourceKey.Of(source, prefixes), out var entry) && entry.BlockedUntil > now)
                || (AggregateOf(source) is { } aggregate && _aggregates.TryGetValue(aggregate, out var shared) && shared.BlockedUntil > now);
        }
    }

    /// <summary>A wrong password (or unknown user, or failed GSSAPI context) from <paramref name="source"/>.</summary>
    public void RecordFailure(IPAddress source) => Record(source, failure: true);

    /// <summary>A login from <paramref name="source"/> refused because the hashing queue was full.</summary>
    public void RecordOverflow(IPAddress source) => Record(source, failure: false);

    private void Record(IPAddress source, bool failure)
    {
        var now = time.GetUtcNow();
        var key = SourceKey.Of(source, prefixes);
        var aggregate = AggregateOf(source);
        lock (_gate)
        {
            Count(_sources, key, now, failure, failures);
            if (aggregate is { } shared)
            {
                Count(_aggregates, shared, now, failure, failures * AggregateFactor);
            }

            if (_sources.Count > SweepAbove && now - _lastSweep > window)
            {
                _lastSweep = now;
                Sweep(_sources, now);
                Sweep(_aggregates, now);
            }
        }
    }

    /// <summary>The /48 an IPv6 source shares a budget with; null for IPv4, loopback, or sources already grouped that wide.</summary>
    private SourceKey? AggregateOf(IPAddress source)
    {
        var unmapped = source.Unmapped();
        return unmapped.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(unmapped) && prefixes.Ipv6 > AggregatePrefix
            ? SourceKey.Of(unmapped, prefixes with { Ipv6 = AggregatePrefix })
            : null;
    }

    private void Count(Dictionary<SourceKey, Entry> table, SourceKey key, DateTimeOffset now, bool failure, int limit)
    {
        if (!table.TryGetValue(key, out var entry) || now - entry.WindowStart > window)
        {
            entry = new Entry(now, 0, 0, DateTimeOffset.MinValue);
        }

        entry = failure ? entry with { Failures = entry.Failures + 1 } : entry with { Overflows = entry.Overflows + 1 };
        if (entry.Failures >= limit || entry.Overflows >= limit * OverflowsPerFailure)
        {
            entry = new Entry(now, 0, 0, now + backoff);
        }

        table[key] = entry;
    }

    private void Sweep(Dictionary<SourceKey, Entry> table, DateTimeOffset now)
    {
        foreach (var (key, entry) in table)
        {
            if (entry.BlockedUntil <= now && now - entry.WindowStart > window)
            {
                table.Remove(key);
            }
        }
    }

    private readonly record struct Entry(DateTimeOffset WindowStart, int Failures, int Overflows, DateTimeOffset BlockedUntil);
}
