using System.Globalization;
using System.Text;

namespace Farm.Bench.Report;

/// <summary>
/// The printed comparison: per figure, each target's median over rounds, and each proxy's ratio to
/// the direct baseline and to Dante.
/// </summary>
public static class ResultsTable
{
    public const string Dante = "dante";

    private static readonly Figure[] Fixed =
    [
        new("bulk 1 stream upload", ScenarioNames.Bulk1Up, "mb_per_s", "MB/s", "F0"),
        new("bulk 1 stream download", ScenarioNames.Bulk1Down, "mb_per_s", "MB/s", "F0"),
        new("bulk 16 streams upload", ScenarioNames.Bulk16Up, "mb_per_s", "MB/s", "F0"),
        new("bulk 16 streams download", ScenarioNames.Bulk16Down, "mb_per_s", "MB/s", "F0"),
        new("proxy CPU per GB relayed", ScenarioNames.CpuPerGb, "s_per_gb", "s/GB", "F2"),
        new("connections", ScenarioNames.ConnectRate, "conn_per_s", "conn/s", "F0"),
        new("handshake p50", ScenarioNames.ConnectRate, "hs_p50_ms", "ms", "F2"),
        new("handshake p99", ScenarioNames.ConnectRate, "hs_p99_ms", "ms", "F2"),
        new("connect failures", ScenarioNames.ConnectRate, "failures", "count", "F0"),
        new("ping-pong p50", ScenarioNames.PingPong, "rtt_p50_us", "us", "F0"),
        new("ping-pong p99", ScenarioNames.PingPong, "rtt_p99_us", "us", "F0"),
        new("ping-pong p99.9", ScenarioNames.PingPong, "rtt_p999_us", "us", "F0"),
        new("generator CPU, bulk 16 up", ScenarioNames.Bulk16Up, "generator_cores", "cores", "F2"),
        new("generator CPU, connections", ScenarioNames.ConnectRate, "generator_cores", "cores", "F2"),
        new("proxy CPU, connections", ScenarioNames.ConnectRate, "proxy_cores", "cores", "F2"),
        new("proxy user CPU per connection", ScenarioNames.ConnectRate, "proxy_user_us_per_conn", "us", "F1"),
        new("proxy system CPU per connection", ScenarioNames.ConnectRate, "proxy_system_us_per_conn", "us", "F1"),
        new("machine CPU per connection", ScenarioNames.ConnectRate, "machine_us_per_conn", "us", "F1"),
        new("machine CPU busy, connections", ScenarioNames.ConnectRate, "machine_cores", "cores", "F2"),
    ];

    public static string Render(IReadOnlyList<ScenarioResult> results, IReadOnlyList<string> targets)
    {
        var figures = Fixed.ToList();
        foreach (var idle in results.Select(r => r.Scenario).Where(s => s.StartsWith(ScenarioNames.IdlePrefix, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal))
        {
            var n = idle[ScenarioNames.IdlePrefix.Length..];
            figures.Add(new($"idle RSS per session, {n} sessions", idle, "rss_kib_per_session", "KiB", "F1"));
            figures.Add(new($"idle RSS per session from cold start, {n} sessions", idle, "rss_cold_kib_per_session", "KiB", "F1"));
            figures.Add(new($"idle PSS per session, {n} sessions", idle, "pss_kib_per_session", "KiB", "F1"));
            figures.Add(new($"idle sessions usable after, of {n}", idle, "usable", "count", "F0"));
        }

        var proxies = targets.Where(t => t != Target.DirectName).ToList();
        var header = new List<string> { "figure", "unit" };
        if (targets.Contains(Target.DirectName))
        {
            header.Add(Target.DirectName);
        }

        foreach (var proxy in proxies)
        {
            header.Add(proxy);
            header.Add("/direct");
            if (proxy != Dante && proxies.Contains(Dante))
            {
                header.Add("/dante");
            }
        }

        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select((_, i) => i < 2 ? "---|" : "---:|")));
        foreach (var figure in figures)
        {
            var direct = Median(results, Target.DirectName, figure);
            var dante = Median(results, Dante, figure);
            var row = new List<string> { figure.Label, figure.Unit };
            if (targets.Contains(Target.DirectName))
            {
                row.Add(Format(direct, figure.Format));
            }

            foreach (var proxy in proxies)
            {
                var value = Median(results, proxy, figure);
                row.Add(Format(value, figure.Format) + Failed(results, proxy, figure));
                row.Add(Ratio(value, direct));
                if (proxy != Dante && proxies.Contains(Dante))
                {
                    row.Add(Ratio(value, dante));
                }
            }

            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        foreach (var failed in results.Where(r => r.Error is not null))
        {
            text.AppendLine($"! round {failed.Round} {failed.Target} {failed.Scenario}: {failed.Error}");
        }

        return text.ToString();
    }

    /// <summary>Median over the rounds that completed; NaN when none did.</summary>
    public static double Median(IReadOnlyList<ScenarioResult> results, string target, Figure figure)
    {
        var values = results
            .Where(r => r.Target == target && r.Scenario == figure.Scenario && r.Error is null && r.Metrics.ContainsKey(figure.Metric))
            .Select(r => r.Metrics[figure.Metric])
            .Order()
            .ToList();
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static string Failed(IReadOnlyList<ScenarioResult> results, string target, Figure figure)
    {
        var failed = results.Count(r => r.Target == target && r.Scenario == figure.Scenario && r.Error is not null);
        return failed == 0 ? "" : $" ({failed} failed)";
    }

    private static string Format(double value, string format) =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Ratio(double value, double baseline) =>
        double.IsNaN(value) || double.IsNaN(baseline) || baseline == 0
            ? "-"
            : "x" + (value / baseline).ToString("F2", CultureInfo.InvariantCulture);
}
