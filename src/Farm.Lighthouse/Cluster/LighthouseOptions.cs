namespace Farm.Lighthouse.Cluster;

/// <summary>
/// The seed's cluster settings, bound from <c>Farm:Cluster</c>; the classic Lighthouse variables
/// <c>CLUSTER_IP</c>, <c>CLUSTER_PORT</c> and <c>CLUSTER_SEEDS</c> override them.
/// </summary>
public sealed class LighthouseOptions
{
    public const string Section = "Farm:Cluster";

    public string ActorSystem { get; set; } = "farm";

    /// <summary>Address the remoting transport binds to.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Address other members use to reach this one, when it differs from <see cref="Hostname"/>.</summary>
    public string? PublicHostname { get; set; }

    public int Port { get; set; } = 4053;

    /// <summary>Seed addresses (<c>akka.tcp://farm@host:port</c>); this lighthouse alone when empty.</summary>
    public List<string> Seeds { get; set; } = [];

    public void ApplyClassicEnvironment(Func<string, string?> environment)
    {
        if (environment("CLUSTER_IP") is { Length: > 0 } ip)
        {
            Hostname = ip;
            PublicHostname ??= ip;
        }

        if (environment("CLUSTER_PORT") is { Length: > 0 } port)
        {
            Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (environment("CLUSTER_SEEDS") is { Length: > 0 } seeds)
        {
            Seeds = [.. seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
    }

    public IReadOnlyList<string> EffectiveSeeds =>
        Seeds.Count > 0 ? Seeds : [$"akka.tcp://{ActorSystem}@{PublicHostname ?? Hostname}:{Port}"];
}
