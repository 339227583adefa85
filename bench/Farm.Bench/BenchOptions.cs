using System.Globalization;

namespace Farm.Bench;

/// <summary>Command-line options of <c>Farm.Bench matrix</c>.</summary>
public sealed record BenchOptions
{
    public List<Target> Targets { get; init; } = [];

    public int Rounds { get; init; } = 5;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(4);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    public int IdleSessions { get; init; } = 5000;

    /// <summary>Extra idle runs after the rounds, once per named target (Farm's 20,000 sessions).</summary>
    public Dictionary<string, int> IdleExtra { get; init; } = [];

    public TimeSpan IdleSettle { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Sessions opened, used and closed on every proxy before the warm baseline is read (0: none).</summary>
    public int IdleWarmup { get; init; } = 256;

    public int Spread { get; init; } = 8;

    public HashSet<string> Scenarios { get; init; } = ["bulk", "connect", "pingpong", "idle"];

    public string? Output { get; init; }

    /// <summary>Base port of a <c>Farm.Bench serve</c> process; the servers run in this process when absent.</summary>
    public int? ServersPort { get; init; }

    public int? ServersPid { get; init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--target" => options with { Targets = [.. options.Targets, Target.Parse(value)] },
                "--rounds" => options with { Rounds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--duration" => options with { Duration = Seconds(value) },
                "--warmup" => options with { Warmup = Seconds(value) },
                "--idle" => options with { IdleSessions = int.Parse(value, CultureInfo.InvariantCulture) },
                "--idle-extra" => options with { IdleExtra = new(options.IdleExtra) { [value.Split('=')[0]] = int.Parse(value.Split('=')[1], CultureInfo.InvariantCulture) } },
                "--idle-settle" => options with { IdleSettle = Seconds(value) },
                "--idle-warmup" => options with { IdleWarmup = int.Parse(value, CultureInfo.InvariantCulture) },
                "--spread" => options with { Spread = int.Parse(value, CultureInfo.InvariantCulture) },
                "--scenarios" => options with { Scenarios = [.. value.Split(',')] },
                "--out" => options with { Output = value },
                "--servers" => options with { ServersPort = int.Parse(value.Split('@')[0], CultureInfo.InvariantCulture), ServersPid = value.Contains('@') ? int.Parse(value.Split('@')[1], CultureInfo.InvariantCulture) : null },
                _ => throw new FormatException($"unknown option {args[i]}"),
            };
            i++;
        }

        if (options.Targets.Count == 0)
        {
            throw new FormatException("at least one --target");
        }

        return options;
    }

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
}
