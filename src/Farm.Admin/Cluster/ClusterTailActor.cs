using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Farm.Shared.Admin;

namespace Farm.Admin.Cluster;

/// <summary>Turns the cluster's membership and reachability events into lines for one <c>cluster tail</c> request.</summary>
public sealed class ClusterTailActor : ReceiveActor
{
    private readonly ChannelWriter<ClusterEventLine> _lines;
    private readonly Akka.Cluster.Cluster _cluster;

    public ClusterTailActor(Akka.Cluster.Cluster cluster, ChannelWriter<ClusterEventLine> lines)
    {
        _cluster = cluster;
        _lines = lines;
        Receive<ClusterEvent.IMemberEvent>(e => Write(EventName(e), e.Member));
        Receive<ClusterEvent.UnreachableMember>(e => Write("unreachable", e.Member));
        Receive<ClusterEvent.ReachableMember>(e => Write("reachable", e.Member));
        Receive<ClusterEvent.LeaderChanged>(e => _lines.TryWrite(new ClusterEventLine(DateTimeOffset.UtcNow, "leader-changed", e.Leader?.ToString() ?? "none", [])));
    }

    public static Props Props(Akka.Cluster.Cluster cluster, ChannelWriter<ClusterEventLine> lines) =>
        Akka.Actor.Props.Create(() => new ClusterTailActor(cluster, lines));

    protected override void PreStart() =>
        _cluster.Subscribe(
            Self,
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent),
            typeof(ClusterEvent.IReachabilityEvent),
            typeof(ClusterEvent.LeaderChanged));

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _lines.TryComplete();
    }

    private void Write(string name, Member member) =>
        _lines.TryWrite(new ClusterEventLine(DateTimeOffset.UtcNow, name, member.Address.ToString(), [.. member.Roles.Order(StringComparer.Ordinal)]));

    private static string EventName(ClusterEvent.IMemberEvent e) => e switch
    {
        ClusterEvent.MemberJoined => "member-joined",
        ClusterEvent.MemberUp => "member-up",
        ClusterEvent.MemberWeaklyUp => "member-weakly-up",
        ClusterEvent.MemberLeft => "member-left",
        ClusterEvent.MemberExited => "member-exited",
        ClusterEvent.MemberDowned => "member-downed",
        ClusterEvent.MemberRemoved => "member-removed",
        _ => "member-" + ClusterAccess.StatusName(e.Member.Status),
    };
}
