using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;
using Akka.Remote;
using Farm.Lighthouse.Dns;
using Farm.Lighthouse.Probing;
using Farm.Shared.Discovery;
using Farm.Shared.Discovery.Signing;
using Microsoft.Extensions.Options;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// Keeps <see cref="FarmDirectory"/> in step with the cluster: membership and reachability events
/// plus the replicated <c>farm-nodes</c> advertisements, replacing the whole member list on every
/// change that alters it. It also prunes the advertisement of each removed incarnation, so the map
/// does not grow with every restart. Clients must never wait on a dead node, so it also probes each
/// socks node's listeners (<see cref="SocksListenerProbe"/>) and drops a node whose association with
/// this lighthouse is lost at once, without waiting for the failure detector. It reads only the
/// advertisements <see cref="TrustedAdvertisements"/> passes: any member can write any entry of the map.
/// </summary>
public sealed class FarmDirectoryFeedActor : ReceiveActor, IWithTimers
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly FarmDirectory _directory;
    private readonly MemberLosses _losses;
    private readonly LostScrapeTargets _lostTargets;
    private readonly DnsProbeOptions _probe;
    private readonly TrustedAdvertisements _trusted;
    private readonly CancellationTokenSource _stopping = new();
    private MembershipView _view = MembershipView.Empty;
    private ProbeTally _tally;
    private bool _probing;

    // Bumped by every lost association: a round that started before it must not clear the lost node.
    private long _epoch;

    public FarmDirectoryFeedActor(FarmDirectory directory, MemberLosses losses, LostScrapeTargets lostTargets, DnsProbeOptions probe, TrustedAdvertisements trusted)
    {
        _trusted = trusted;
        _directory = directory;
        _losses = losses;
        _lostTargets = lostTargets;
        _probe = probe;
        _tally = ProbeTally.Start(probe.FailuresToDrop);
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            var view = _view;
            foreach (var member in state.Members)
                view = view.WithMember(member);
            foreach (var member in state.Unreachable)
                view = view.WithReachability(member, reachable: false);
            Show(view);
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            var key = NodeAdvertisement.EntryKey(removed.Member.UniqueAddress);
            if (MemberLosses.IsLoss(removed.PreviousStatus))
            {
                _losses.Record(removed.Member);
                _log.Warning("member {0} lost: removed from the cluster without leaving", removed.Member.Address);
                if (_view.Advertisements.TryGetValue(key, out var last) && last.Metrics is { } metrics)
                {
                    _lostTargets.Remember(last.Name, last.Role, metrics);
                }
            }

            Show(_view.WithMember(removed.Member));
            _replicator.Tell(Dsl.Update(NodeAdvertisement.Key, LWWDictionary<string, NodeAdvertisement>.Empty, WriteLocal.Instance,
                entries => entries.Remove(_cluster.SelfUniqueAddress, key)));
        });
        Receive<ClusterEvent.IMemberEvent>(e => Show(_view.WithMember(e.Member)));
        Receive<ClusterEvent.UnreachableMember>(e => Show(_view.WithReachability(e.Member, reachable: false)));
        Receive<ClusterEvent.ReachableMember>(e => Show(_view.WithReachability(e.Member, reachable: true)));
        Receive<Changed>(changed => changed.Key.Equals(NodeAdvertisement.Key),
            changed => Show(_view with { Advertisements = _trusted.Filter(changed.Get(NodeAdvertisement.Key).Entries) }));
        Receive<DisassociatedEvent>(lost => Lost(lost.RemoteAddress));
        Receive<ProbeTick>(_ => StartRound());
        Receive<ProbeRound>(Record);
        Receive<IUpdateResponse>(response =>
        {
            if (!response.IsSuccessful)
                _log.Warning("could not prune an advertisement: {0}", response);
        });
    }

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        _replicator.Tell(Dsl.Subscribe(NodeAdvertisement.Key, Self));
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        if (_probe.Enabled)
        {
            Timers.StartPeriodicTimer(nameof(ProbeTick), ProbeTick.Instance, _probe.Interval);
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void Lost(Address address)
    {
        var lost = _view.AdvertisedAt(address).ToList();
        if (lost.Count == 0)
            return;

        _epoch++;
        _tally = _tally.Lost(lost.Select(m => m.Member));
        _log.Warning("association with {0} lost: {1} out of DNS until its listeners answer a probe", address, string.Join(", ", lost.Select(m => m.Name)));
        Show(_view with { Failing = _tally.Failing });
    }

    private void StartRound()
    {
        if (_probing)
            return;

        var targets = _directory.Current.Where(node => string.Equals(node.Role, NodeAdvert.SocksRole, StringComparison.Ordinal)).ToList();
        if (targets.Count == 0)
        {
            Record(new ProbeRound(_epoch, new Dictionary<string, bool>()));
            return;
        }

        _probing = true;
        var epoch = _epoch;
        var timeout = _probe.Timeout;
        var stopping = _stopping.Token;
        ListenerProbeRound.RunAsync(targets, timeout, stopping).PipeTo(Self, success: alive => new ProbeRound(epoch, alive), failure: e => new ProbeRound(epoch, new Dictionary<string, bool>(), e.Message));
    }

    private void Record(ProbeRound round)
    {
        _probing = false;
        if (round.Failure is { } failure)
        {
            // The next tick starts a fresh round; the tally stays as it was.
            _log.Error("SOCKS listener probe round failed: {0}", failure);
            return;
        }

        if (round.Epoch != _epoch)
            return;

        var failingBefore = _tally.Failing;
        _tally = _tally.Record(round.Alive);
        var failing = _tally.Failing;
        var names = _directory.Current.DistinctBy(node => node.Member, StringComparer.Ordinal).ToDictionary(node => node.Member, node => node.Name, StringComparer.Ordinal);
        foreach (var member in failing.Except(failingBefore))
            _log.Warning("{0}: SOCKS listener probe failed {1} times in a row, out of DNS (member {2})", names.GetValueOrDefault(member, member), _probe.FailuresToDrop, member);
        foreach (var member in failingBefore.Except(failing).Where(round.Alive.ContainsKey))
            _log.Info("{0}: SOCKS listener answers its probe again (member {1})", names.GetValueOrDefault(member, member), member);
        Show(_view with { Failing = failing });
    }

    private void Show(MembershipView view)
    {
        var before = _directory.Current;
        _view = view;
        var after = view.Directory();
        if (before.SequenceEqual(after))
            return;

        _directory.Update(after);
        var losingBefore = before.Where(node => !node.OwnsName).Select(node => node.Member).ToHashSet(StringComparer.Ordinal);
        foreach (var loser in after.Where(node => !node.OwnsName && !losingBefore.Contains(node.Member)))
        {
            DiscoveryMetrics.NameCollisions.Add(1);
            _log.Warning("member {0} advertises the name '{1}', which another member owns: it stays in the SOCKS pool, but {1}.nodes answers the owner only (give each member its own name)", loser.Member, loser.Name);
        }

        _log.Info("farm directory: {0}", after.Length == 0
            ? "empty"
            : string.Join(", ", after.Select(node => $"{node.Name} ({node.Role}{(node.Healthy ? string.Empty : ", unhealthy")})")));
    }
}

/// <summary>Wires the directory feed at <c>/user/farm-directory</c>.</summary>
public static class FarmDirectoryFeedActorHosting
{
    public static AkkaConfigurationBuilder AddFarmDirectoryFeed(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var directory = resolver.GetService<FarmDirectory>();
            var losses = resolver.GetService<MemberLosses>();
            var lostTargets = resolver.GetService<LostScrapeTargets>();
            var probe = resolver.GetService<IOptions<DnsOptions>>().Value.Probe;
            var trusted = resolver.GetService<TrustedAdvertisements>();
            registry.Register<FarmDirectoryFeedActor>(system.ActorOf(Props.Create(() => new FarmDirectoryFeedActor(directory, losses, lostTargets, probe, trusted)), "farm-directory"));
        });
}
