using System.Net;

namespace Farm.Lighthouse.Dns;

/// <summary>What one cluster member tells the farm about itself, as far as DNS is concerned.</summary>
/// <param name="Name">The member's DNS label (<c>node-1</c>), unique in the farm; it becomes <c>node-1.nodes.&lt;domain&gt;</c>.</param>
/// <param name="Socks">The SOCKS endpoints clients can reach, which may differ from the addresses the node binds.</param>
/// <param name="Metrics">The metrics endpoint Prometheus scrapes, if the member serves one.</param>
/// <param name="Role"><see cref="SocksRole"/> or <see cref="LighthouseRole"/>.</param>
/// <param name="Healthy">Up, reachable and not draining: only such socks members are handed out under the farm name.</param>
/// <param name="Member">The member incarnation that advertised it (address and uid): unique even when names are not.</param>
public sealed record NodeAdvert(string Name, IReadOnlyList<IPEndPoint> Socks, IPEndPoint? Metrics, string Role, bool Healthy, string Member = "")
{
    public const string SocksRole = "socks";

    public const string LighthouseRole = "lighthouse";

    public bool ServesClients => Healthy && string.Equals(Role, SocksRole, StringComparison.Ordinal);

    // By value, endpoints included, so that the cluster side can tell whether an advert really changed.
    public bool Equals(NodeAdvert? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && Socks.SequenceEqual(other.Socks)
        && Equals(Metrics, other.Metrics)
        && string.Equals(Role, other.Role, StringComparison.Ordinal)
        && Healthy == other.Healthy
        && string.Equals(Member, other.Member, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Name, Socks.Count, Metrics, Role, Healthy);
}
