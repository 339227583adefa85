using Farm.Node.Relaying;

namespace Farm.Node.Telemetry;

/// <summary>
/// Bytes relayed so far, over live and ended sessions, read only when metrics are collected: the
/// relay loop keeps counting into its own <see cref="RelayCounters"/> and does no extra work.
/// A session's bytes move from live to ended under the lock, so the total never goes down.
/// </summary>
public sealed class RelayByteTotals
{
    private readonly Lock _lock = new();
    private readonly HashSet<RelayCounters> _live = new(ReferenceEqualityComparer.Instance);
    private long _endedUp;
    private long _endedDown;

    public void Started(RelayCounters counters)
    {
        lock (_lock)
        {
            _live.Add(counters);
        }
    }

    public void Ended(RelayCounters counters)
    {
        lock (_lock)
        {
            if (_live.Remove(counters))
            {
                _endedUp += counters.BytesUp;
                _endedDown += counters.BytesDown;
            }
        }
    }

    public (long Up, long Down) Read()
    {
        lock (_lock)
        {
            var (up, down) = (_endedUp, _endedDown);
            foreach (var counters in _live)
            {
                up += counters.BytesUp;
                down += counters.BytesDown;
            }

            return (up, down);
        }
    }
}
