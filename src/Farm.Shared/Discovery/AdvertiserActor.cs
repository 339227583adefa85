using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;
using Farm.Shared.Discovery.Signing;

namespace Farm.Shared.Discovery;

/// <summary>
/// Publishes this member's <see cref="NodeAdvertisement"/> under its own entry of
/// <see cref="NodeAdvertisement.Key"/>. The start is written locally and spreads by gossip; a
/// draining change is written to every member, so whoever waits for <see cref="Advertised"/> knows
/// the lighthouses have it before the node stops accepting. With cluster TLS on, the entry is signed with
/// this member's key (<see cref="AdvertisementTrust"/>) and leaves out any address its certificate does not
/// name, since readers refuse an entry with one. Any member can write any entry of the map, so it watches
/// its own: changed or removed by someone else, it is written again (a later write wins the entry).
/// </summary>
public sealed class AdvertiserActor : ReceiveActor
{
    // Long enough for a healthy farm to acknowledge, short enough that a drain with an unreachable
    // member still starts promptly; the write keeps spreading by gossip after the timeout.
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(2);

    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly UniqueAddress _self = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Func<NodeAdvertisement> _describe;
    private readonly AdvertisementTrust _trust;
    private NodeAdvertisement? _current;
    private NodeAdvertisement? _published;
    private bool _overwriteLogged;

    public AdvertiserActor(Func<NodeAdvertisement> describe, AdvertisementTrust trust)
    {
        _describe = describe;
        _trust = trust;
        Receive<SetDraining>(set =>
        {
            _current = Current with { Draining = set.Draining };
            _published = null;
            Publish(new WriteAll(ConfirmTimeout), Sender);
        });
        Receive<Changed>(changed => changed.Key.Equals(NodeAdvertisement.Key), changed =>
        {
            var stored = changed.Get(NodeAdvertisement.Key).Entries.GetValueOrDefault(NodeAdvertisement.EntryKey(_self));
            if (_published is null || _published.Equals(stored))
                return;

            if (!_overwriteLogged)
            {
                _overwriteLogged = true;
                _log.Warning("this member's advertisement was changed or removed by another member ({0}); writing it again", stored is null ? "removed" : $"now socks [{string.Join(", ", stored.Socks)}]");
            }

            Publish(WriteLocal.Instance, ActorRefs.Nobody);
        });
        Receive<IUpdateResponse>(response =>
        {
            if (!response.IsSuccessful)
                _log.Warning("advertisement of {0} not confirmed by every member: {1}", _current?.Name, response);

            if (response.Request is IActorRef waiting && !waiting.IsNobody())
                waiting.Tell(new Advertised(Current, response.IsSuccessful));
        });
    }

    private NodeAdvertisement Current => _current ??= Describe();

    private NodeAdvertisement Describe()
    {
        var advertisement = _trust.Publishable(_describe(), out var dropped);
        if (dropped.Count > 0)
        {
            _log.Warning("not advertising {0}: this member's cluster certificate does not name {1}, and members refuse an advertisement naming an address its certificate does not; issue one with `farmctl certs issue <member> --ip|--dns <address>` or bind where it names",
                string.Join(", ", dropped), dropped.Count == 1 ? "it" : "them");
        }

        return advertisement;
    }

    protected override void PreStart()
    {
        _log.Info("advertising {0} ({1}): socks [{2}], metrics {3}", Current.Name, Current.Role, string.Join(", ", Current.Socks), Current.Metrics?.ToString() ?? "none");
        Publish(WriteLocal.Instance, ActorRefs.Nobody);
        _replicator.Tell(Dsl.Subscribe(NodeAdvertisement.Key, Self));
    }

    protected override void PostStop() => _replicator.Tell(Dsl.Unsubscribe(NodeAdvertisement.Key, Self));

    private void Publish(IWriteConsistency consistency, IActorRef waiting)
    {
        var key = NodeAdvertisement.EntryKey(_self);
        // Signed once per change: writing the same value again (below) ends the exchange with a stale Changed,
        // where a fresh signature, never equal to the last, would start it over forever.
        var advertisement = _published ??= _trust.Sign(Current, key);
        _replicator.Tell(Dsl.Update(NodeAdvertisement.Key, LWWDictionary<string, NodeAdvertisement>.Empty, consistency, waiting,
            entries => entries.SetItem(_self, key, advertisement)));
    }
}

/// <summary>Wires the advertiser at <c>/user/advertiser</c>; <paramref name="describe"/> runs once the actor starts, after the listeners are bound.</summary>
public static class AdvertiserActorHosting
{
    public static AkkaConfigurationBuilder AddAdvertiser(this AkkaConfigurationBuilder builder, Func<IServiceProvider, NodeAdvertisement> describe) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var services = resolver.GetService<IServiceProvider>();
            var trust = resolver.GetService<AdvertisementTrust>() ?? throw new InvalidOperationException("no AdvertisementTrust registered: a member must know whether to sign its advertisement");
            registry.Register<AdvertiserActor>(system.ActorOf(Props.Create(() => new AdvertiserActor(() => describe(services), trust)), "advertiser"));
        });
}
