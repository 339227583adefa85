using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// The peer side of role-bound certificates: every member that joins is dialed, and when the roles it
/// joined with are not all named in the certificate on its remoting address, this member downs it. A
/// member checks only its own certificate at start; without this check a member holding a socks
/// certificate could join as a lighthouse. Akka's Join carries the roles but passes no hook, so a
/// refused member is downed after it joins (within about a second), not refused at the door.
/// </summary>
public sealed class MemberRoleCheckActor : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly HashSet<UniqueAddress> _checked = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public MemberRoleCheckActor(OutboundPeerCheck check)
    {
        Receive<ClusterEvent.IMemberEvent>(e => Check(e.Member, check));
        Receive<RoleChecked>(OnChecked);
    }

    public static Props Props(OutboundPeerCheck check) => Akka.Actor.Props.Create(() => new MemberRoleCheckActor(check));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberJoined), typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberWeaklyUp));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Check(Member member, OutboundPeerCheck check)
    {
        if (member.UniqueAddress == _cluster.SelfUniqueAddress || member.Status is not (MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up) || !_checked.Add(member.UniqueAddress))
        {
            return;
        }

        if (member.Address.Host is not { } host || member.Address.Port is not { } port)
        {
            return;
        }

        check.CheckAsync(host, port, CancellationToken.None).PipeTo(Self, success: r => new RoleChecked(member, r), failure: e => new RoleChecked(member, PeerProbeResult.Refused(e.Message)));
    }

    private void OnChecked(RoleChecked result)
    {
        var claimed = MemberRoles.Claimed(result.Member);
        if (result.Probe.Roles is not { } certified)
        {
            // Nothing there showed a farm certificate: Akka cannot associate with it either. Checked
            // again the next time the member's status changes.
            _checked.Remove(result.Member.UniqueAddress);
            return;
        }

        var missing = claimed.Where(r => !certified.Contains(r)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        _log.Warning(
            "cluster TLS: downing member {0}: it joined with role(s) {1} but its certificate names {2}",
            result.Member.Address,
            string.Join(", ", missing),
            certified.Count == 0 ? "no role" : string.Join(", ", certified.Order(StringComparer.Ordinal)));
        _cluster.Down(result.Member.Address);
    }

    private sealed record RoleChecked(Member Member, PeerProbeResult Probe);
}
