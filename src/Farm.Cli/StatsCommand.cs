using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Farm.Cli.CommandLine;

namespace Farm.Cli;

/// <summary><c>farmctl stats</c>: needs no member, only session-record files or standard input.</summary>
public static class StatsCommand
{
    public static Command Command(Invocation run)
    {
        var timeError = (string text) => $"stats: '{text}' is neither a time (2025-01-31T12:00:00Z) nor a duration back from now (15m, 2h)";
        var since = new Option<DateTimeOffset?>("--since")
        {
            Description = "records from this time, or this long ago (15m, 2h)",
            HelpName = "time|1h",
            CustomParser = ValueParsers.Create((string text, out DateTimeOffset? time) => TryParseTime(text, DateTimeOffset.UtcNow, out time), timeError),
        };
        var until = new Option<DateTimeOffset?>("--until")
        {
            Description = "records up to this time, or this long ago",
            HelpName = "time",
            CustomParser = ValueParsers.Create((string text, out DateTimeOffset? time) => TryParseTime(text, DateTimeOffset.UtcNow, out time), timeError),
        };
        var top = new Option<int>("--top")
        {
            Description = "rows per section",
            HelpName = "N",
            DefaultValueFactory = _ => 10,
            CustomParser = ValueParsers.Create((string text, out int value) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1, text => $"stats: --top '{text}' is not a positive number"),
        };
        var files = new Argument<string[]>("file") { Description = "session-record files (JSON lines); standard input when none or -", Arity = ArgumentArity.ZeroOrMore };
        var stats = new Command("stats", "summarise session records (no member needed)") { files, since, until, top };
        stats.SetAction(async (parse, cancel) => (int)await RunAsync(
            run.In, run.Out, run.Json(parse), parse.GetValue(files) ?? [], parse.GetValue(since), parse.GetValue(until), parse.GetValue(top), cancel).ConfigureAwait(false));
        return stats;
    }

    private static async Task<ExitCode> RunAsync(TextReader input, TextWriter output, bool json, IReadOnlyList<string> files, DateTimeOffset? since, DateTimeOffset? until, int top, CancellationToken cancel)
    {
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
    private static bool TryParseTime(string text, DateTimeOffset now, out DateTimeOffset? time)
    {
        time = null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            time = at;
        }
        else if (NodePalette.TryParseDuration(text, out var seconds))
        {
            time = now - TimeSpan.FromSeconds(seconds!.Value);
        }

        return time is not null;
    }
}
