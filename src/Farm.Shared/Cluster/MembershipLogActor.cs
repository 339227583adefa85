using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;

namespace Farm.Shared.Cluster;

/// <summary>
/// Logs every membership change this member sees, in one stable form ("member X is Up", "member X is
/// unreachable"), and keeps <see cref="MemberReadiness"/> in step with this member's own status.
/// </summary>
public sealed class MembershipLogActor : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public MembershipLogActor(MemberReadiness readiness)
    {
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (var member in state.Members)
                Changed(member, readiness);
        });
        Receive<ClusterEvent.IMemberEvent>(e => Changed(e.Member, readiness));
        Receive<ClusterEvent.UnreachableMember>(e => _log.Warning("member {0} is unreachable", e.Member.Address));
        Receive<ClusterEvent.ReachableMember>(e => _log.Info("member {0} is reachable again", e.Member.Address));
    }

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Changed(Member member, MemberReadiness readiness)
    {
        _log.Info("member {0} [{1}] is {2}", member.Address, string.Join(",", member.Roles), member.Status);
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
            readiness.SetUp(member.Status == MemberStatus.Up);
    }
}

/// <summary>Wires the membership log at <c>/user/membership</c>.</summary>
public static class MembershipLogActorHosting
{
    public static AkkaConfigurationBuilder AddMembershipLog(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var readiness = resolver.GetService<MemberReadiness>();
            registry.Register<MembershipLogActor>(system.ActorOf(Props.Create(() => new MembershipLogActor(readiness)), "membership"));
        });
}
