using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Farm.Cli.CommandLine;
using Farm.Shared.Admin;

namespace Farm.Cli;

/// <summary>The node palette: drain, undrain, status.</summary>
public static class NodePalette
{
    private static readonly TimeSpan WaitPoll = TimeSpan.FromMilliseconds(250);

    public static Command Command(Invocation run)
    {
        var deadline = new Option<double?>("--deadline")
        {
            Description = "close the sessions still open after this long (seconds, or 30s, 5m, 1h)",
            HelpName = "seconds|30s|5m|1h",
            CustomParser = ValueParsers.Create<double?>(TryParseDuration, text => $"'{text}' is not a duration (seconds, or 30s, 5m, 1h)"),
        };
        var wait = new Option<bool>("--wait") { Description = "wait until no session is open, showing the count going down on standard error" };
        var drain = new Command("drain", "refuse new sessions, let open ones end (closed at the deadline), then leave the cluster") { deadline, wait };
        drain.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c => DrainAsync(c, parse.GetValue(deadline), parse.GetValue(wait), !Console.IsErrorRedirected)));
        var undrain = new Command("undrain", "accept new sessions again");
        undrain.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, async c =>
            Print(c, await c.Client.PostAsync(AdminRoutes.Undrain, new DrainRequest(null), AdminJsonContext.Default.DrainRequest, AdminJsonContext.Default.DrainStatus, c.Cancel).ConfigureAwait(false))));
        var status = new Command("status", "draining or not, and open sessions");
        status.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, async c =>
            Print(c, await c.Client.GetAsync(AdminRoutes.Drain, AdminJsonContext.Default.DrainStatus, c.Cancel).ConfigureAwait(false))));
        return new Command("node", "the connected node: drain, undrain, status") { drain, undrain, status };
    }

    /// <summary>
    /// Drains, and with <paramref name="wait"/> polls until no session is open: each change of the count is
    /// a line on standard error (on a terminal one line rewritten in place), so standard output stays the result.
    /// </summary>
    private static async Task<ExitCode> DrainAsync(CliContext context, double? deadline, bool wait, bool terminal)
    {
        var json = AdminJsonContext.Default;
        var status = await context.Client.PostAsync(AdminRoutes.Drain, new DrainRequest(deadline), json.DrainRequest, json.DrainStatus, context.Cancel).ConfigureAwait(false);
        int? shown = null;
        while (wait && status.OpenSessions > 0)
        {
            if (status.OpenSessions != shown)
            {
                shown = status.OpenSessions;
                var line = $"waiting: {shown} open session{(shown == 1 ? string.Empty : "s")}{Until(status.Deadline)}";
                await (terminal ? context.Error.WriteAsync($"\r{line}\u001b[K") : context.Error.WriteLineAsync(line)).ConfigureAwait(false);
                await context.Error.FlushAsync(context.Cancel).ConfigureAwait(false);
            }

            await Task.Delay(WaitPoll, context.Cancel).ConfigureAwait(false);
            status = await context.Client.GetAsync(AdminRoutes.Drain, json.DrainStatus, context.Cancel).ConfigureAwait(false);
        }

        if (terminal && shown is not null)
        {
            await context.Error.WriteLineAsync().ConfigureAwait(false);
        }

        return Print(context, status);
    }

    private static string Until(DateTimeOffset? deadline) =>
        deadline is { } at ? $" (closed at {at.ToUniversalTime():HH:mm:ss}Z)" : string.Empty;

    private static ExitCode Print(CliContext context, DrainStatus status)
    {
        context.Out.WriteLine(context.Json ? JsonSerializer.Serialize(status, AdminJsonContext.Default.DrainStatus) : status.Message);
        return ExitCode.Ok;
    }

    /// <summary>Seconds, or a number with s, m or h.</summary>
    internal static bool TryParseDuration(string text, out double? seconds)
    {
        seconds = null;
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = text.Length > 0 && char.IsLetter(text[^1]) ? text[..^1] : text;
        var factor = unit switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => -1,
        };
        if (factor < 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return false;
        }

        seconds = value * factor;
        return true;
    }
}
