using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using Akka.Cluster;
using Farm.Shared.Admin;

namespace Farm.Admin.Cluster;

/// <summary>The member's cluster, when its actor system has the cluster provider, and the admin view of it.</summary>
public static class ClusterAccess
{
    public static bool TryGet(ActorSystem system, [NotNullWhen(true)] out Akka.Cluster.Cluster? cluster)
    {
        cluster = system is ExtendedActorSystem { Provider: ClusterActorRefProvider } ? Akka.Cluster.Cluster.Get(system) : null;
        return cluster is not null;
    }

    public static ClusterMember ToView(Member member, bool reachable) =>
        new(member.Address.ToString(), [.. member.Roles.Order(StringComparer.Ordinal)], StatusName(member.Status), reachable);

    public static string StatusName(MemberStatus status) => status switch
    {
        MemberStatus.WeaklyUp => "weakly-up",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static ClusterView View(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var members = state.Members.Select(m => ToView(m, !unreachable.Contains(m.UniqueAddress)))
            .Concat(state.Unreachable.Where(m => !state.Members.Contains(m)).Select(m => ToView(m, false)))
            .ToList();
        return new ClusterView(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members);
    }
}
