namespace Farm.Bench.Scenarios;

/// <summary>Named figures of one run (units in the name: <c>_ms</c>, <c>_us</c>, <c>_kib</c>, <c>_per_s</c>).</summary>
public sealed class Metrics : SortedDictionary<string, double>
{
    public Metrics()
        : base(StringComparer.Ordinal)
    {
    }
}
