using System.Globalization;

namespace Farm.Bench.Soak;

/// <summary>Command-line options of <c>Farm.Bench soak</c>: the nodes under load and how much of each kind of load.</summary>
public sealed record SoakOptions
{
    public List<Target> Nodes { get; init; } = [];

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Samples before this are shown but not judged: the runtime's pools and JIT settle first.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Sessions held open per node; a tenth of them are replaced every minute.</summary>
    public int IdleSessions { get; init; } = 200;

    /// <summary>Short sessions (connect, one echo, close) per second per node.</summary>
    public int ChurnPerSecond { get; init; } = 20;

    /// <summary>Datagrams per second per node through one association, renewed every two minutes.</summary>
    public int DatagramsPerSecond { get; init; } = 20;

    /// <summary>Each download runs this long, then waits <see cref="BulkPause"/>: bulk without starving the rest.</summary>
    public TimeSpan BulkFor { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BulkPause { get; init; } = TimeSpan.FromSeconds(4);

    public string? Output { get; init; }

    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--node" => options with { Nodes = [.. options.Nodes, Node(value)] },
                "--minutes" => options with { Duration = TimeSpan.FromMinutes(Number(value)) },
                "--warmup-minutes" => options with { Warmup = TimeSpan.FromMinutes(Number(value)) },
                "--sample-seconds" => options with { SampleEvery = TimeSpan.FromSeconds(Number(value)) },
                "--idle" => options with { IdleSessions = (int)Number(value) },
                "--churn" => options with { ChurnPerSecond = (int)Number(value) },
                "--datagrams" => options with { DatagramsPerSecond = (int)Number(value) },
                "--out" => options with { Output = value },
                _ => throw new FormatException($"unknown option {args[i]}"),
            };
            i++;
        }

        if (options.Nodes.Count == 0)
        {
            throw new FormatException("at least one --node NAME=HOST:PORT@PID");
        }

        if (options.Warmup >= options.Duration)
        {
            throw new FormatException("the warm-up must be shorter than the run");
        }

        return options;
    }

    private static Target Node(string spec)
    {
        var target = Target.Parse(spec);
        return target is { Proxy: not null, Pid: not null }
            ? target
            : throw new FormatException($"node '{spec}': expected NAME=HOST:PORT@PID (the PID is sampled)");
    }

    private static double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);
}
