using System.Net;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// The metrics endpoints of members this lighthouse saw removed without leaving, kept for
/// <see cref="DiscoveryOptions.KeepLostFor"/>. Service discovery lists them beside the members, so a
/// crashed member's <c>up</c> turns 0 and a detached node (removed, yet still serving) stays scraped
/// instead of vanishing from Prometheus with its membership. Bounded: the oldest loss goes first.
/// </summary>
public sealed class LostScrapeTargets(TimeSpan keepFor, TimeProvider time)
{
    public const int Capacity = 64;

    private readonly Lock _gate = new();
    private readonly List<LostScrapeTarget> _targets = [];

    public void Remember(string name, string role, IPEndPoint metrics)
    {
        if (keepFor <= TimeSpan.Zero)
        {
            return;
        }

        lock (_gate)
        {
            _targets.RemoveAll(target => target.Metrics.Equals(metrics));
            if (_targets.Count == Capacity)
            {
                _targets.RemoveAt(0);
            }

            _targets.Add(new LostScrapeTarget(name, role, metrics, time.GetUtcNow()));
        }
    }

    /// <summary>The lost targets still kept whose endpoint no current member advertises (a restarted member is scraped as itself).</summary>
    public IReadOnlyList<LostScrapeTarget> Listed(IEnumerable<NodeAdvert> members)
    {
        var live = members.Select(member => member.Metrics).OfType<IPEndPoint>().ToHashSet();
        var oldest = time.GetUtcNow() - keepFor;
        lock (_gate)
        {
            _targets.RemoveAll(target => target.LostAt < oldest);
            return [.. _targets.Where(target => !live.Contains(target.Metrics))];
        }
    }
}
