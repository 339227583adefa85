using System.Net;

namespace Farm.Lighthouse.Dns;

/// <summary>What one cluster member tells the farm about itself, as far as DNS is concerned.</summary>
/// <param name="Name">The member's DNS label (<c>node-1</c>), unique in the farm; it becomes <c>node-1.nodes.&lt;domain&gt;</c>.</param>
/// <param name="Socks">The SOCKS endpoints clients can reach, which may differ from the addresses the node binds.</param>
/// <param name="Metrics">The metrics endpoint Prometheus scrapes, if the member serves one.</param>
/// <param name="Role"><see cref="SocksRole"/> or <see cref="LighthouseRole"/>.</param>
/// <param name="Healthy">Up, reachable, not draining and answering its listener probe: only such socks members are handed out under the farm name.</param>
/// <param name="ProbeFailing">Its SOCKS listeners failed the lighthouse's probe (or its association was lost): held back from DNS for that reason.</param>
/// <param name="Member">The member incarnation that advertised it (address and uid): unique even when names are not.</param>
/// <param name="OwnsName">Whether <c>&lt;name&gt;.nodes.&lt;domain&gt;</c> is this member's: false for every member but one that claims a name another member claims too (<see cref="Discovery.NameClaims"/>).</param>
public sealed record NodeAdvert(string Name, IReadOnlyList<IPEndPoint> Socks, IPEndPoint? Metrics, string Role, bool Healthy, bool ProbeFailing = false, string Member = "", bool OwnsName = true)
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
        && ProbeFailing == other.ProbeFailing
        && string.Equals(Member, other.Member, StringComparison.Ordinal)
        && OwnsName == other.OwnsName;

    public override int GetHashCode() => HashCode.Combine(Name, Socks.Count, Metrics, Role, Healthy, ProbeFailing);
}
