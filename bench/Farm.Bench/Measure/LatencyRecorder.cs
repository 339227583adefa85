using System.Diagnostics;

namespace Farm.Bench.Measure;

/// <summary>
/// Latencies of one worker, in Stopwatch ticks, kept raw (bounded) so that percentiles are exact
/// rather than bucketed. One recorder per worker: no locking on the hot path.
/// </summary>
public sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];

    public int Count { get; private set; }

    /// <summary>Samples beyond the capacity are dropped; a run reports how many.</summary>
    public long Dropped { get; private set; }

    public void Record(long ticks)
    {
        if (Count < _ticks.Length)
        {
            _ticks[Count++] = ticks;
        }
        else
        {
            Dropped++;
        }
    }

    public ReadOnlySpan<long> Samples => _ticks.AsSpan(0, Count);

    /// <summary>Merges recorders and returns nearest-rank percentiles in microseconds.</summary>
    public static Func<double, double> Percentiles(IEnumerable<LatencyRecorder> recorders)
    {
        var all = new List<long>();
        foreach (var recorder in recorders)
        {
            all.AddRange(recorder.Samples);
        }

        all.Sort();
        return p =>
        {
            if (all.Count == 0)
            {
                return double.NaN;
            }

            var rank = (int)Math.Ceiling(p / 100 * all.Count) - 1;
            return all[Math.Clamp(rank, 0, all.Count - 1)] * 1e6 / Stopwatch.Frequency;
        };
    }
}
