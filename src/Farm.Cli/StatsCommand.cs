using System.Globalization;
using System.Text.Json;

namespace Farm.Cli;

/// <summary><c>farmctl stats</c>: needs no member, only session-record files or standard input.</summary>
public static class StatsCommand
{
    public const string Usage = """
        stats [<file>...] [--since <time|1h>] [--until <time>] [--top N]
                                          summarise session records (JSON lines; stdin when no file or -)
        """;

    public static async Task<ExitCode> RunAsync(TextReader input, TextWriter output, bool json, Arguments args, CancellationToken cancel)
    {
        var now = DateTimeOffset.UtcNow;
        var since = args.Option("since") is { } s ? ParseTime(s, now) : (DateTimeOffset?)null;
        var until = args.Option("until") is { } u ? ParseTime(u, now) : (DateTimeOffset?)null;
        var top = 10;
        if (args.Option("top") is { } t && (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1))
        {
            throw CliException.Usage($"stats: --top '{t}' is not a positive number");
        }

        var files = args.Rest();
        args.Done();
        var stats = new SessionStats(since, until, top);
        if (files.Count == 0)
        {
            await stats.AddAsync(input, cancel).ConfigureAwait(false);
        }

        foreach (var file in files)
        {
            if (file == "-")
            {
                await stats.AddAsync(input, cancel).ConfigureAwait(false);
                continue;
            }

            try
            {
                using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                await stats.AddAsync(reader, cancel).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCode.Failed, $"stats: cannot read {file}: {e.Message}");
            }
        }

        var report = stats.Report();
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.StatsReport));
        }
        else
        {
            Print(output, report);
        }

        return ExitCode.Ok;
    }

    private static void Print(TextWriter output, StatsReport report)
    {
        var window = report.First is null ? "no records" : $"{report.First:O} .. {report.Last:O}";
        output.WriteLine($"window: {window}");
        output.WriteLine($"records: {report.Records} ({report.Sessions} sessions, {report.RefusedClients} refused clients, {report.Denied} denied)");
        output.WriteLine($"bytes: up {report.BytesUp}, down {report.BytesDown}");
        if (report.Skipped > 0)
        {
            output.WriteLine($"skipped: {report.Skipped} lines that are not session records");
        }

        Section(output, "outcomes", report.Outcomes);
        Section(output, "top clients", report.Clients);
        Section(output, "top users", report.Users);
        Section(output, "top destinations", report.Destinations);
        Section(output, "denials by rule", report.DenialsByRule);
        Section(output, "sessions per node", report.Nodes);
    }

    private static void Section(TextWriter output, string title, IReadOnlyList<StatsCount> counts)
    {
        if (counts.Count == 0)
        {
            return;
        }

        output.WriteLine($"{title}:");
        Table.Write(output, counts.Select(c => (IReadOnlyList<string>)[$"  {c.Key}", c.Count.ToString(CultureInfo.InvariantCulture), $"up {c.BytesUp}", $"down {c.BytesDown}"]));
    }

    /// <summary>An ISO 8601 time, or a duration back from now (<c>90s</c>, <c>15m</c>, <c>2h</c>).</summary>
    private static DateTimeOffset ParseTime(string text, DateTimeOffset now)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        try
        {
            return now - TimeSpan.FromSeconds(NodePalette.ParseDuration(text));
        }
        catch (CliException)
        {
            throw CliException.Usage($"stats: '{text}' is neither a time (2025-01-31T12:00:00Z) nor a duration back from now (15m, 2h)");
        }
    }
}
