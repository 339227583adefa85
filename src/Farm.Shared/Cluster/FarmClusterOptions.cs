using System.Globalization;
using Farm.Shared.Cluster.Tls;

namespace Farm.Shared.Cluster;

/// <summary>
/// A member's cluster settings, bound from <c>Farm:Cluster</c>; the classic Lighthouse variables
/// <c>CLUSTER_IP</c>, <c>CLUSTER_PORT</c> and <c>CLUSTER_SEEDS</c> override them.
/// </summary>
public sealed class FarmClusterOptions
{
    public const string Section = "Farm:Cluster";

    public string ActorSystem { get; set; } = "farm";

    /// <summary>Address the remoting transport binds to.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Address other members use to reach this one, when it differs from <see cref="Hostname"/>.</summary>
    public string? PublicHostname { get; set; }

    /// <summary>Remoting port; unset means the role's default (lighthouse 4053, node 4054), 0 a free one.</summary>
    public int? Port { get; set; }

    /// <summary>
    /// Seed addresses (<c>akka.tcp://farm@host:port</c>); when empty this member forms a cluster by itself.
    /// Either scheme, <c>akka.tcp</c> or <c>akka.ssl.tcp</c>, is dialed with this member's own transport.
    /// </summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>Where this member keeps its durable replicated data (the last policy).</summary>
    public string? DataDirectory { get; set; }

    public ClusterTlsOptions Tls { get; set; } = new();

    public SplitBrainOptions SplitBrain { get; set; } = new();

    public FailureDetectionOptions FailureDetection { get; set; } = new();

    /// <summary>Serializes every local message too, as the tests do, to catch one without a serializer; costly.</summary>
    public bool SerializeMessages { get; set; }

    public bool IsStandalone => Seeds.Count == 0;

    public string AdvertisedHostname => PublicHostname ?? Hostname;

    /// <summary>
    /// The seeds in the scheme this member's transport speaks (<c>akka.ssl.tcp</c> with TLS): an operator
    /// writes one seed list whatever the transport, and a plain seed can never be dialed in clear.
    /// </summary>
    public IEnumerable<string> SeedsFor(bool tls) =>
        Seeds.Select(seed => ReplaceScheme(seed, tls ? TlsScheme : PlainScheme));

    public const string PlainScheme = "akka.tcp://";

    public const string TlsScheme = "akka.ssl.tcp://";

    private static string ReplaceScheme(string seed, string scheme)
    {
        foreach (var known in (string[])[TlsScheme, PlainScheme])
        {
            if (seed.StartsWith(known, StringComparison.OrdinalIgnoreCase))
            {
                return scheme + seed[known.Length..];
            }
        }

        return seed;
    }

    public void ApplyClassicEnvironment(Func<string, string?> environment)
    {
        if (environment("CLUSTER_IP") is { Length: > 0 } ip)
        {
            Hostname = ip;
            PublicHostname ??= ip;
        }

        if (environment("CLUSTER_PORT") is { Length: > 0 } port)
        {
            Port = int.Parse(port, CultureInfo.InvariantCulture);
        }

        if (environment("CLUSTER_SEEDS") is { Length: > 0 } seeds)
        {
            Seeds = [.. seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
    }

    /// <summary>
    /// The data directory, or one per member under the local application data folder: two members on one
    /// machine must never share a durable store.
    /// </summary>
    public string EffectiveDataDirectory(string role, int port) =>
        DataDirectory ?? Path.Combine(FarmStateRoot.Path(Environment.GetEnvironmentVariable), $"{role}-{AdvertisedHostname}-{port}", "ddata");
}
