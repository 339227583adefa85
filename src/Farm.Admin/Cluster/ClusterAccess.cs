using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using Akka.Cluster;
using Farm.Shared.Admin;
using Farm.Shared.Discovery;

namespace Farm.Admin.Cluster;

/// <summary>The member's cluster, when its actor system has the cluster provider, and the admin view of it.</summary>
public static class ClusterAccess
{
    public static bool TryGet(ActorSystem? system, [NotNullWhen(true)] out Akka.Cluster.Cluster? cluster)
    {
        cluster = system is ExtendedActorSystem { Provider: ClusterActorRefProvider } ? Akka.Cluster.Cluster.Get(system) : null;
        return cluster is not null;
    }

    public static ClusterMember ToView(Member member, bool reachable, NodeAdvertisement? advert = null) =>
        new(
            member.Address.ToString(),
            [.. member.Roles.Order(StringComparer.Ordinal)],
            StatusName(member.Status),
            reachable,
            advert is null ? null : [.. advert.Socks.Select(endpoint => endpoint.ToString())],
            advert?.Draining ?? false);

    public static string StatusName(MemberStatus status) => status switch
    {
        MemberStatus.WeaklyUp => "weakly-up",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <param name="adverts">The replicated advertisements by <see cref="NodeAdvertisement.EntryKey"/>.</param>
    public static ClusterView View(Akka.Cluster.Cluster cluster, IReadOnlyDictionary<string, NodeAdvertisement> adverts)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        NodeAdvertisement? AdvertOf(Member m) => adverts.GetValueOrDefault(NodeAdvertisement.EntryKey(m.UniqueAddress));
        var members = state.Members.Select(m => ToView(m, !unreachable.Contains(m.UniqueAddress), AdvertOf(m)))
            .Concat(state.Unreachable.Where(m => !state.Members.Contains(m)).Select(m => ToView(m, false, AdvertOf(m))))
            .ToList();
        return new ClusterView(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members);
    }
}
