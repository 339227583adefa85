using System.Globalization;
using System.Text;

namespace Farm.Bench.Soak;

/// <summary>
/// Whether a node's resident memory, descriptors and threads stayed flat: the median of the window right after the
/// warm-up against the median of the last window of the run, each window a third of the judged time (at most five
/// minutes), flat when the end is within <see cref="Tolerance"/> of the start either way.
/// </summary>
public static class SoakVerdict
{
    public const double Tolerance = 0.05;

    public sealed record Row(string Node, string Gauge, double AfterWarmup, double AtEnd)
    {
        public double Change => AfterWarmup == 0 ? 0 : (AtEnd - AfterWarmup) / AfterWarmup;

        public bool Flat => Math.Abs(Change) <= Tolerance;
    }

    public static IReadOnlyList<Row> Judge(IReadOnlyList<SoakSample> samples, TimeSpan warmup)
    {
        var judged = samples.Where(s => s.Elapsed >= warmup).ToList();
        if (judged.Count == 0)
        {
            return [];
        }

        var end = judged.Max(s => s.Elapsed);
        var window = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, (end - warmup).Ticks / 3));
        var rows = new List<Row>();
        foreach (var node in judged.GroupBy(s => s.Node))
        {
            var first = node.Where(s => s.Elapsed <= warmup + window).ToList();
            var last = node.Where(s => s.Elapsed >= end - window).ToList();
            rows.Add(new Row(node.Key, "RSS (MiB)", Median(first, s => s.Gauges.RssKiB / 1024.0), Median(last, s => s.Gauges.RssKiB / 1024.0)));
            rows.Add(new Row(node.Key, "descriptors", Median(first, s => s.Gauges.Descriptors), Median(last, s => s.Gauges.Descriptors)));
            rows.Add(new Row(node.Key, "threads", Median(first, s => s.Gauges.Threads), Median(last, s => s.Gauges.Threads)));
        }

        return rows;
    }

    public static string Render(IReadOnlyList<Row> rows)
    {
        var table = new StringBuilder();
        table.AppendLine("| node | gauge | after warm-up (median) | at the end (median) | change | flat (±5 %) |");
        table.AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Node} | {row.Gauge} | {row.AfterWarmup:F1} | {row.AtEnd:F1} | {row.Change * 100:+0.0;-0.0} % | {(row.Flat ? "yes" : "NO")} |"));
        }

        return table.ToString();
    }

    private static double Median(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> gauge)
    {
        var sorted = samples.Select(gauge).Order().ToList();
        if (sorted.Count == 0)
        {
            return 0;
        }

        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
