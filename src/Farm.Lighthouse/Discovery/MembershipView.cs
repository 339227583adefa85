using System.Collections.Immutable;
using Akka.Cluster;
using Farm.Lighthouse.Dns;
using Farm.Shared.Discovery;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// Membership, reachability and the members' advertisements as one lighthouse last saw them, and
/// the directory that follows from them. Pure: the feeding actor applies events, this decides.
/// </summary>
public sealed record MembershipView(
    ImmutableDictionary<UniqueAddress, Member> Members,
    ImmutableHashSet<UniqueAddress> Unreachable,
    IReadOnlyDictionary<string, NodeAdvertisement> Advertisements)
{
    public static readonly MembershipView Empty = new(
        ImmutableDictionary<UniqueAddress, Member>.Empty,
        [],
        ImmutableDictionary<string, NodeAdvertisement>.Empty);

    /// <summary>Members (<see cref="NodeAdvert.Member"/> keys) a listener probe or a lost association took out of DNS (see <see cref="Probing.ProbeTally"/>).</summary>
    public ImmutableHashSet<string> Failing { get; init; } = [];

    public MembershipView WithMember(Member member) =>
        member.Status == MemberStatus.Removed
            ? this with { Members = Members.Remove(member.UniqueAddress), Unreachable = Unreachable.Remove(member.UniqueAddress) }
            // Not SetItem: Member equality ignores status, so SetItem would keep the Joining member on MemberUp.
            : this with { Members = Members.Remove(member.UniqueAddress).Add(member.UniqueAddress, member) };

    public MembershipView WithReachability(Member member, bool reachable) =>
        this with { Unreachable = reachable ? Unreachable.Remove(member.UniqueAddress) : Unreachable.Add(member.UniqueAddress) };

    /// <summary>
    /// Every Up member that has advertised, healthy when also reachable, not draining and not failing its
    /// listener probe; of members that advertise one name, one owns it (<see cref="NameClaims"/>). Members that
    /// are joining, leaving or gone are left out entirely: neither DNS nor Prometheus should find them.
    /// </summary>
    public ImmutableArray<NodeAdvert> Directory()
    {
        var advertised = Members.Values
            .Where(member => member.Status == MemberStatus.Up)
            .Select(member => (Member: member, Found: Advertisements.TryGetValue(NodeAdvertisement.EntryKey(member.UniqueAddress), out var advertisement), Advertisement: advertisement!))
            .Where(entry => entry.Found)
            .Select(entry => (entry.Member, entry.Advertisement))
            .ToList();
        var losers = NameClaims.Losers(advertised);
        return [.. advertised
            .Select(entry => (entry.Member, entry.Advertisement, Key: NodeAdvertisement.EntryKey(entry.Member.UniqueAddress)))
            .Select(entry => new NodeAdvert(
                entry.Advertisement.Name,
                entry.Advertisement.Socks,
                entry.Advertisement.Metrics,
                entry.Advertisement.Role,
                Healthy: !Unreachable.Contains(entry.Member.UniqueAddress) && !entry.Advertisement.Draining && !Failing.Contains(entry.Key),
                ProbeFailing: Failing.Contains(entry.Key),
                Member: entry.Key,
                OwnsName: !losers.Contains(entry.Key)))
            .OrderBy(advert => advert.Name, StringComparer.Ordinal)
            .ThenBy(advert => advert.Member, StringComparer.Ordinal)];
    }

    /// <summary>The advertised members at a remote address (one per incarnation still known): their keys and names.</summary>
    public IEnumerable<(string Member, string Name)> AdvertisedAt(Akka.Actor.Address address) =>
        Members.Keys
            .Where(member => member.Address.Equals(address))
            .Select(member => (Member: NodeAdvertisement.EntryKey(member), Found: Advertisements.TryGetValue(NodeAdvertisement.EntryKey(member), out var advertisement), Advertisement: advertisement))
            .Where(entry => entry.Found)
            .Select(entry => (entry.Member, entry.Advertisement!.Name));
}
