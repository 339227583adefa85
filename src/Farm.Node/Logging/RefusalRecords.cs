using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Logging;

/// <summary>
/// How many refused clients of one source (<see cref="SourceKey"/>, grouped as the per-source caps
/// group them) get a session record each: at most <paramref name="perSecond"/> a second; the others
/// are counted and told in one summary record once their second is over, so a flood of refused
/// connects cannot grow the log without bound. A source is forgotten once its summary is taken.
/// </summary>
public sealed class RefusalRecords(int perSecond, SourcePrefixLengths prefixes, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<SourceKey, Window> _windows = [];
    private readonly List<RefusalSummary> _finished = [];
    private readonly Lock _gate = new();

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
        var key = SourceKey.Of(source, prefixes);
        lock (_gate)
        {
            if (_windows.TryGetValue(key, out var window) && now - window.Start >= Interval)
            {
                Finish(window, now);
                window = null;
            }

            if (window is null)
            {
                _windows[key] = new Window(now, source, listener) { Recorded = 1 };
                return true;
            }

            if (window.Recorded >= perSecond)
            {
                window.Suppressed++;
                return false;
            }

            window.Recorded++;
            return true;
        }
    }

    /// <summary>The sources whose second is over: a summary for each that had refusals left out; all of them forgotten.</summary>
    public List<RefusalSummary> TakeEnded()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var (key, window) in _windows)
            {
                if (now - window.Start >= Interval)
                {
                    _windows.Remove(key);
                    Finish(window, now);
                }
            }

            var ended = _finished.ToList();
            _finished.Clear();
            return ended;
        }
    }

    /// <summary>Under the lock: a window that left refusals out leaves their summary.</summary>
    private void Finish(Window window, DateTimeOffset now)
    {
        if (window.Suppressed > 0)
        {
            _finished.Add(new RefusalSummary(Describe(window.First), window.Listener, window.Suppressed, window.Start, now - window.Start));
        }
    }

    /// <summary>The source as the caps count it: the address, or the prefix it stands for.</summary>
    private string Describe(IPAddress first)
    {
        if (IPAddress.IsLoopback(first))
        {
            return "loopback";
        }

        var length = first.Unmapped().AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? prefixes.Ipv6 : prefixes.Ipv4;
        return $"{first.Unmapped()}/{length}";
    }

    private sealed class Window(DateTimeOffset start, IPAddress first, string listener)
    {
        public DateTimeOffset Start { get; } = start;

        public IPAddress First { get; } = first;

        public string Listener { get; } = listener;

        public int Recorded { get; set; }

        public int Suppressed { get; set; }
    }
}
