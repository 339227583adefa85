using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// The peer side of member certificates: every member that joins is dialed at the address it claims, and
/// when the listener there shows no farm certificate naming that address, or one that does not name all
/// the roles the member joined with, this member downs it. A member checks only its own certificate at
/// start; without this check a member holding a socks certificate could join as a lighthouse. Akka's Join
/// carries the roles but passes no hook, so a refused member is downed after it joins (within about a
/// second), not refused at the door. A member whose address shows no certificate at all (nothing listens
/// there) is dialed again until <see cref="CertificateDeadline"/> and then downed: it fails closed.
/// </summary>
public sealed class MemberRoleCheckActor : ReceiveActor, IWithTimers
{
    /// <summary>How long a joined member's address may go on showing no farm certificate before it is downed.</summary>
    public static readonly TimeSpan CertificateDeadline = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);

    // Members being or having been checked, with when the first check began; a removed member's entry goes.
    private readonly Dictionary<UniqueAddress, DateTime> _checked = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly OutboundPeerCheck _check;

    public MemberRoleCheckActor(OutboundPeerCheck check)
    {
        _check = check;
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _checked.Remove(e.Member.UniqueAddress);
            Timers.Cancel(e.Member.UniqueAddress);
        });
        Receive<ClusterEvent.IMemberEvent>(e => Check(e.Member));
        Receive<RoleChecked>(OnChecked);
        Receive<Retry>(r => Probe(r.Member));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(OutboundPeerCheck check) => Akka.Actor.Props.Create(() => new MemberRoleCheckActor(check));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberJoined), typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberWeaklyUp), typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Check(Member member)
    {
        if (member.UniqueAddress == _cluster.SelfUniqueAddress || member.Status is not (MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up) || !_checked.TryAdd(member.UniqueAddress, DateTime.UtcNow))
        {
            return;
        }

        Probe(member);
    }

    private void Probe(Member member)
    {
        if (!_checked.ContainsKey(member.UniqueAddress))
        {
            return;
        }

        if (member.Address.Host is not { } host || member.Address.Port is not { } port)
        {
            Down(member, "its address names no host and port");
            return;
        }

        _check.CheckAsync(host, port, CancellationToken.None).PipeTo(Self, success: r => new RoleChecked(member, r), failure: e => new RoleChecked(member, PeerProbeResult.Refused(e.Message)));
    }

    private void OnChecked(RoleChecked result)
    {
        if (!_checked.TryGetValue(result.Member.UniqueAddress, out var since))
        {
            return;
        }

        var claimed = MemberRoles.Claimed(result.Member);
        if (result.Probe.Roles is not { } certified)
        {
            // Its claimed address shows no farm certificate for it: perhaps not listening yet, perhaps never.
            if (DateTime.UtcNow - since < CertificateDeadline)
            {
                Timers.StartSingleTimer(result.Member.UniqueAddress, new Retry(result.Member), RetryInterval);
            }
            else
            {
                Down(result.Member, $"for {CertificateDeadline.TotalSeconds:0} s its address showed no farm certificate naming it ({result.Probe.Refusal})");
            }

            return;
        }

        var missing = claimed.Where(r => !certified.Contains(r)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        Down(result.Member, $"it joined with role(s) {string.Join(", ", missing)} but its certificate names {(certified.Count == 0 ? "no role" : string.Join(", ", certified.Order(StringComparer.Ordinal)))}");
    }

    private void Down(Member member, string reason)
    {
        _log.Warning("cluster TLS: downing member {0}: {1}", member.Address, reason);
        _cluster.Down(member.Address);
    }

    private sealed record RoleChecked(Member Member, PeerProbeResult Probe);

    private sealed record Retry(Member Member);
}
