namespace Farm.Lighthouse.Discovery;

/// <summary>Prometheus service discovery on the lighthouse, bound from <c>Farm:Discovery</c>.</summary>
public sealed class DiscoveryOptions
{
    public const string Section = "Farm:Discovery";

    /// <summary>
    /// How long a member removed without leaving (killed, partitioned away, downed) stays a scrape target:
    /// Prometheus then sees a dead member go <c>up == 0</c> and a detached node's own metrics. Zero forgets at once.
    /// </summary>
    public TimeSpan KeepLostFor { get; set; } = TimeSpan.FromHours(1);
}
