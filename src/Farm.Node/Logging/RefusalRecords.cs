using System.Net;
using System.Net.Sockets;
using Farm.Shared.Net;

namespace Farm.Node.Logging;

/// <summary>
/// How many refused clients get a session record each: at most <paramref name="perSecond"/> a second
/// from one source (<see cref="SourceKey"/>, grouped as the per-source caps group them), at most
/// <see cref="AggregateFactor"/> times that from one IPv6 /48 (else its 65,536 /64s each had a fresh
/// budget: 500 records in 0.33 s, outsider review att16c), and at most <paramref name="nodePerSecond"/>
/// from all sources. The others are counted and told in one summary record per source, /48 or node
/// once their second is over, so a flood of refused connects cannot grow the log without bound. A
/// window is forgotten once its summary is taken.
/// </summary>
public sealed class RefusalRecords(int perSecond, SourcePrefixLengths prefixes, TimeProvider time, int nodePerSecond = RefusalRecords.DefaultNodePerSecond)
{
    /// <summary>Refusal records a second from all sources, unless configured.</summary>
    public const int DefaultNodePerSecond = 100;

    /// <summary>A /48's records, in sources' records: room for a site's many hosts, not for 65,536 fresh ones.</summary>
    public const int AggregateFactor = 16;

    /// <summary>The IPv6 prefix every source under it shares a budget with.</summary>
    public const int AggregatePrefix = 48;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static readonly Scope Node = new(Level.Node, default);

    private readonly Dictionary<Scope, Window> _windows = [];
    private readonly List<RefusalSummary> _finished = [];
    private readonly Lock _gate = new();

    private enum Level
    {
        Source,
        Aggregate,
        Node,
    }

    /// <summary>
    /// Pure: whether a session's record counts against its source's records per second: every session the
    /// node did not serve (refused by a client rule or cap, a blocked request, a protocol error, a
    /// refused or throttled login, a failed connect), not only client-rule refusals, which let one
    /// source write thousands of records a second (outsider review of issue 16, F5), and every evicted
    /// session: a newcomer flood evicting a source's handshakes wrote one record per eviction, unlimited
    /// (outsider review att16b).
    /// </summary>
    public static bool IsLimited(string kind, bool served, string outcome) =>
        kind == "client" || !served || outcome == Sources.EvictionReason.Outcome;

    /// <summary>True when the refusal of a client from <paramref name="source"/> gets its own record; false when it is only counted.</summary>
    public bool TryRecord(IPAddress source, string listener)
    {
        ArgumentNullException.ThrowIfNull(source);
        var now = time.GetUtcNow();
        var own = new Scope(Level.Source, SourceKey.Of(source, prefixes));
        Scope? aggregate = AggregateOf(source) is { } key ? new Scope(Level.Aggregate, key) : null;
        lock (_gate)
        {
            // Each budget in turn: a refusal over one is counted in that one's summary only, so the
            // summaries stay as few as the budgets, not one per /64 of a flood.
            if (Over(own, perSecond, now) || (aggregate is { } shared && Over(shared, perSecond * AggregateFactor, now)) || Over(Node, nodePerSecond, now))
            {
                return false;
            }

            Count(own, now, source, listener);
            if (aggregate is { } counted)
            {
                Count(counted, now, source, listener);
            }

            Count(Node, now, source, listener);
            return true;
        }
    }

    /// <summary>The windows whose second is over: a summary for each that had refusals left out; all of them forgotten.</summary>
    public List<RefusalSummary> TakeEnded()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var (scope, window) in _windows)
            {
                if (now - window.Start >= Interval)
                {
                    _windows.Remove(scope);
                    Finish(window, now);
                }
            }

            var ended = _finished.ToList();
            _finished.Clear();
            return ended;
        }
    }

    /// <summary>Under the lock: whether <paramref name="scope"/> used its budget this second; if so, the refusal is counted in its summary.</summary>
    private bool Over(Scope scope, int budget, DateTimeOffset now)
    {
        if (Current(scope, now) is not { } window || window.Recorded < budget)
        {
            return false;
        }

        window.Suppressed++;
        return true;
    }

    private void Count(Scope scope, DateTimeOffset now, IPAddress source, string listener)
    {
        if (Current(scope, now) is not { } window)
        {
            window = new Window(now, Describe(scope, source), listener);
            _windows[scope] = window;
        }

        window.Recorded++;
    }

    /// <summary>Under the lock: the scope's window when its second is not over; an ended one leaves its summary.</summary>
    private Window? Current(Scope scope, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(scope, out var window))
        {
            return null;
        }

        if (now - window.Start < Interval)
        {
            return window;
        }

        _windows.Remove(scope);
        Finish(window, now);
        return null;
    }

    /// <summary>Under the lock: a window that left refusals out leaves their summary.</summary>
    private void Finish(Window window, DateTimeOffset now)
    {
        if (window.Suppressed > 0)
        {
            _finished.Add(new RefusalSummary(window.Source, window.Listener, window.Suppressed, window.Start, now - window.Start));
        }
    }

    /// <summary>The /48 an IPv6 source shares a budget with; null for IPv4, loopback, or sources already grouped that wide.</summary>
    private SourceKey? AggregateOf(IPAddress source)
    {
        var unmapped = source.Unmapped();
        return unmapped.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(unmapped) && prefixes.Ipv6 > AggregatePrefix
            ? SourceKey.Of(unmapped, prefixes with { Ipv6 = AggregatePrefix })
            : null;
    }

    /// <summary>The scope as a summary names it: the source's address or prefix, its /48, or every source.</summary>
    private string Describe(Scope scope, IPAddress first)
    {
        var unmapped = first.Unmapped();
        if (scope.Level == Level.Node)
        {
            return "all sources";
        }

        if (IPAddress.IsLoopback(unmapped))
        {
            return "loopback";
        }

        if (scope.Level == Level.Aggregate)
        {
            var bytes = unmapped.GetAddressBytes();
            Array.Clear(bytes, AggregatePrefix / 8, bytes.Length - (AggregatePrefix / 8));
            return $"{new IPAddress(bytes)}/{AggregatePrefix}";
        }

        var length = unmapped.AddressFamily == AddressFamily.InterNetworkV6 ? prefixes.Ipv6 : prefixes.Ipv4;
        return $"{unmapped}/{length}";
    }

    private readonly record struct Scope(Level Level, SourceKey Key);

    private sealed class Window(DateTimeOffset start, string source, string listener)
    {
        public DateTimeOffset Start { get; } = start;

        public string Source { get; } = source;

        public string Listener { get; } = listener;

        public int Recorded { get; set; }

        public int Suppressed { get; set; }
    }
}
