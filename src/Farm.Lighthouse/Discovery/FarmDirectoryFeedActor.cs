using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;
using Farm.Lighthouse.Dns;
using Farm.Shared.Discovery;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// Keeps <see cref="FarmDirectory"/> in step with the cluster: membership and reachability events
/// plus the replicated <c>farm-nodes</c> advertisements, replacing the whole member list on every
/// change that alters it. It also prunes the advertisement of each removed incarnation, so the map
/// does not grow with every restart.
/// </summary>
public sealed class FarmDirectoryFeedActor : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly FarmDirectory _directory;
    private MembershipView _view = MembershipView.Empty;

    public FarmDirectoryFeedActor(FarmDirectory directory)
    {
        _directory = directory;
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
            Show(_view.WithMember(removed.Member));
            var key = NodeAdvertisement.EntryKey(removed.Member.UniqueAddress);
            _replicator.Tell(Dsl.Update(NodeAdvertisement.Key, LWWDictionary<string, NodeAdvertisement>.Empty, WriteLocal.Instance,
                entries => entries.Remove(_cluster.SelfUniqueAddress, key)));
        });
        Receive<ClusterEvent.IMemberEvent>(e => Show(_view.WithMember(e.Member)));
        Receive<ClusterEvent.UnreachableMember>(e => Show(_view.WithReachability(e.Member, reachable: false)));
        Receive<ClusterEvent.ReachableMember>(e => Show(_view.WithReachability(e.Member, reachable: true)));
        Receive<Changed>(changed => changed.Key.Equals(NodeAdvertisement.Key),
            changed => Show(_view with { Advertisements = changed.Get(NodeAdvertisement.Key).Entries }));
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
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Show(MembershipView view)
    {
        var before = _directory.Current;
        _view = view;
        var after = view.Directory();
        if (before.SequenceEqual(after))
            return;

        _directory.Update(after);
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
            registry.Register<FarmDirectoryFeedActor>(system.ActorOf(Props.Create(() => new FarmDirectoryFeedActor(directory)), "farm-directory"));
        });
}
