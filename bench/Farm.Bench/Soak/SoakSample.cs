using System.Globalization;
using Farm.Bench.Measure;

namespace Farm.Bench.Soak;

/// <summary>One node at one moment of a soak: what its process holds and what the load has done so far.</summary>
public sealed record SoakSample(TimeSpan Elapsed, string Node, ProcessGauges Gauges, SoakTotals Totals)
{
    public const string CsvHeader =
        "elapsed_s,node,rss_kib,descriptors,threads,bulk_streams,bulk_bytes,churn_sessions,idle_open,idle_replaced,datagrams_sent,datagrams_echoed,failures,corruptions";

    public string ToCsv() => string.Join(',',
        Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture), Node, Gauges.RssKiB, Gauges.Descriptors, Gauges.Threads,
        Totals.BulkStreams, Totals.BulkBytes, Totals.ChurnSessions, Totals.IdleOpen, Totals.IdleReplaced,
        Totals.DatagramsSent, Totals.DatagramsEchoed, Totals.Failures, Totals.Corruptions);
}

/// <summary>A copy of a <see cref="SoakTally"/> at one moment.</summary>
public sealed record SoakTotals(
    long BulkStreams, long BulkBytes, long ChurnSessions, long IdleOpen, long IdleReplaced,
    long DatagramsSent, long DatagramsEchoed, long Failures, long Corruptions)
{
    public static SoakTotals Of(SoakTally t) => new(
        t.BulkStreams, t.BulkBytes, t.ChurnSessions, t.IdleOpen, t.IdleReplaced, t.DatagramsSent, t.DatagramsEchoed, t.Failures, t.Corruptions);
}
