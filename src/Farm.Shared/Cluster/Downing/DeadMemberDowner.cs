using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;

namespace Farm.Shared.Cluster.Downing;

/// <summary>
/// Downs a lost member whose process is gone, without waiting for the split-brain resolver's
/// <c>StableAfter</c>: when its association drops or it turns unreachable, its remoting port is probed,
/// and a port that keeps refusing connections for <see cref="SplitBrainOptions.DownRefusedAfter"/> means
/// nothing listens there any more. Only a side holding a majority acts (<see cref="LostMemberQuorum"/>);
/// a port that accepts or stays silent (a slow, stopped or partitioned member) is left to the resolver.
/// The policy arbiter then moves within the removal margin instead of after the resolver's wait.
/// </summary>
public sealed class DeadMemberDowner : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromMilliseconds(250);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, Refusals> _watched = [];
    private readonly RemotingPortProbe _probe;
    private readonly TimeSpan _refusedFor;
    private readonly Counter<long>? _downed;

    public DeadMemberDowner(RemotingPortProbe probe, TimeSpan refusedFor, IMeterFactory? meters)
    {
        _probe = probe;
        _refusedFor = refusedFor;
        _downed = meters?.Create(Tls.OutboundPeerCheck.MeterName).CreateCounter<long>("farm.cluster.dead_members.downed", "{member}", "Lost members downed at once because their remoting port refused connections: their process was gone.");
        Receive<DisassociatedEvent>(e => Watch(MemberAt(e.RemoteAddress)));
        Receive<ClusterEvent.UnreachableMember>(e => Watch(e.Member));
        Receive<ClusterEvent.ReachableMember>(e => _watched.Remove(e.Member.UniqueAddress));
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            if (e.Member.Status is MemberStatus.Down or MemberStatus.Removed or MemberStatus.Exiting)
            {
                _watched.Remove(e.Member.UniqueAddress);
            }
        });
        Receive<ProbeAgain>(again => Probe(again.Member));
        Receive<Probed>(OnProbed);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RemotingPortProbe probe, TimeSpan refusedFor, IMeterFactory? meters) =>
        Akka.Actor.Props.Create(() => new DeadMemberDowner(probe, refusedFor, meters));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _cluster.Unsubscribe(Self);
    }

    private static bool Counts(Member member) =>
        member.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up or MemberStatus.Leaving;

    private Member? MemberAt(Address address) =>
        _cluster.State.Members.FirstOrDefault(m => m.Address.Equals(address));

    private void Watch(Member? member)
    {
        if (member is null || member.UniqueAddress.Equals(_cluster.SelfUniqueAddress) || !Counts(member) || !_watched.TryAdd(member.UniqueAddress, new Refusals(null, 0)))
        {
            return;
        }

        Probe(member.UniqueAddress);
    }

    private void Probe(UniqueAddress member)
    {
        if (!_watched.ContainsKey(member) || member.Address.Host is not { } host || member.Address.Port is not { } port)
        {
            _watched.Remove(member);
            return;
        }

        _probe.AskAsync(host, port).PipeTo(Self, success: answer => new Probed(member, answer), failure: _ => new Probed(member, PortAnswer.Silent));
    }

    private void OnProbed(Probed probed)
    {
        if (!_watched.TryGetValue(probed.Member, out var refusals))
        {
            return;
        }

        if (probed.Answer != PortAnswer.Refused)
        {
            // Something answers, or nothing can be told: the failure detector and the resolver decide.
            _watched.Remove(probed.Member);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var since = refusals.Since ?? now;
        var count = refusals.Count + 1;
        _watched[probed.Member] = new Refusals(since, count);
        if (count < 2 || now - since < _refusedFor)
        {
            Timers.StartSingleTimer(probed.Member, new ProbeAgain(probed.Member), ProbeEvery);
            return;
        }

        _watched.Remove(probed.Member);
        Down(probed.Member, count, now - since);
    }

    private void Down(UniqueAddress lost, int refusals, TimeSpan refusedFor)
    {
        var state = _cluster.State;
        var members = state.Members.Where(Counts).Select(m => m.UniqueAddress).ToHashSet();
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        if (!LostMemberQuorum.HoldsMajority(members, unreachable, lost))
        {
            _log.Warning("member {0} refuses connections on its remoting port, but this side holds no majority of the {1} members: left to the split-brain resolver", lost.Address, members.Count);
            return;
        }

        _log.Warning("member {0} refused {1} connections on its remoting port over {2:F1} s: its process is gone, downing it", lost.Address, refusals, refusedFor.TotalSeconds);
        _cluster.Down(lost.Address);

        // The leader removes a Down member only once it is unreachable or terminated; the failure detector
        // would take its heartbeat pause to say so, while quarantining the gone incarnation marks it
        // terminated now (a restarted process is a new incarnation and is not affected).
        if (Context.System is ExtendedActorSystem { Provider: IRemoteActorRefProvider remote })
        {
            remote.Quarantine(lost.Address, lost.Uid);
        }

        _downed?.Add(1);
    }

    private sealed record Refusals(DateTimeOffset? Since, int Count);

    private sealed record ProbeAgain(UniqueAddress Member);

    private sealed record Probed(UniqueAddress Member, PortAnswer Answer);
}
