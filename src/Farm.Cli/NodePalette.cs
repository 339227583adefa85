using System.Globalization;
using System.Text.Json;
using Farm.Shared.Admin;

namespace Farm.Cli;

/// <summary>The node palette: drain, undrain, status.</summary>
public static class NodePalette
{
    public const string Usage = """
        node drain [--deadline <seconds|30s|5m|1h>] [--wait]
                                          refuse new sessions, let open ones end (closed at the deadline), then leave the cluster
        node undrain                      accept new sessions again
        node status                       draining or not, and open sessions
        """;

    private static readonly TimeSpan WaitPoll = TimeSpan.FromMilliseconds(250);

    public static async Task<ExitCode> RunAsync(CliContext context, string command, Arguments args)
    {
        var client = context.Client;
        var json = AdminJsonContext.Default;
        DrainStatus status;
        switch (command)
        {
            case "drain":
                var deadline = args.Option("deadline") is { } text ? ParseDuration(text) : (double?)null;
                var wait = args.Flag("wait");
                args.Done();
                status = await client.PostAsync(AdminRoutes.Drain, new DrainRequest(deadline), json.DrainRequest, json.DrainStatus, context.Cancel).ConfigureAwait(false);
                while (wait && status.OpenSessions > 0)
                {
                    await Task.Delay(WaitPoll, context.Cancel).ConfigureAwait(false);
                    status = await client.GetAsync(AdminRoutes.Drain, json.DrainStatus, context.Cancel).ConfigureAwait(false);
                }

                break;
            case "undrain":
                args.Done();
                status = await client.PostAsync(AdminRoutes.Undrain, new DrainRequest(null), json.DrainRequest, json.DrainStatus, context.Cancel).ConfigureAwait(false);
                break;
            case "status":
                args.Done();
                status = await client.GetAsync(AdminRoutes.Drain, json.DrainStatus, context.Cancel).ConfigureAwait(false);
                break;
            default:
                throw CliException.Usage($"unknown command 'node {command}'\n{Usage}");
        }

        context.Out.WriteLine(context.Json ? JsonSerializer.Serialize(status, json.DrainStatus) : status.Message);
        return ExitCode.Ok;
    }

    /// <summary>Seconds, or a number with s, m or h.</summary>
    internal static double ParseDuration(string text)
    {
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(text.Length > 0 ? text[^1] : '0') ? text[..^1] : text;
        var factor = unit switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => -1,
        };
        if (factor < 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw CliException.Usage($"'{text}' is not a duration (seconds, or 30s, 5m, 1h)");
        }

        return value * factor;
    }
}
