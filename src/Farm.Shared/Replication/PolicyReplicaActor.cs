using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Akka.Hosting;
using Farm.Shared.Policy;
using Farm.Shared.Replication.Floor;
using Farm.Shared.Replication.Signing;

namespace Farm.Shared.Replication;

/// <summary>
/// Follows the replicated policy on one member: parses and hands each new version to the member's
/// <see cref="IPolicyEnforcer"/> once, then publishes the version it enforces under <see cref="EnforcedKey"/>.
/// A version that does not descend from the enforced one (<see cref="PolicyDescent"/>) is refused: not
/// enforced, one log line, <see cref="PolicyMetrics.RefusedVersions"/>, and the member reports it in
/// readiness (<see cref="IPolicyEnforcer.RefusedVersion"/>) until a version it can take arrives.
/// A value no lighthouse signed (<see cref="PolicyTrust"/>: any member holding a farm certificate can write
/// the register through Distributed Data) is not enforced either: the member keeps the policy it has, logs
/// one line and counts it in <see cref="PolicyMetrics.UntrustedVersions"/>, and stays ready, since it still
/// enforces the farm's last signed version. A signed version older than this member's
/// <see cref="PolicyFloor"/> (or another one under the floor's number) is a replay: refused the same way and
/// counted in <see cref="PolicyMetrics.ReplayedVersions"/>.
/// </summary>
/// <remarks>
/// Status is a replicated map (member address -> enforced version) rather than pub-sub replies: any member
/// can answer "policy status" from its local replica, and the arbiter reads from a majority which exact
/// version (digest) the members enforce, so it builds on the farm's version, not on its own host's.
/// </remarks>
public sealed class PolicyReplicaActor : ReceiveActor
{
    public static readonly LWWDictionaryKey<string, PolicyEnvelope> EnforcedKey = new("farm-policy-enforced");

    private readonly IPolicyEnforcer _enforcer;
    private readonly PolicyTrust _trust;
    private readonly PolicyFloorStore _floor;
    private readonly IActorRef _replicator;
    private readonly UniqueAddress _self;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PolicyEnvelope? _enforced;
    private PolicyEnvelope? _refused;
    private PolicyEnvelope? _untrusted;
    private PolicyEnvelope? _replayed;
    private string? _refusal;

    public PolicyReplicaActor(IPolicyEnforcer enforcer, PolicyTrust trust, PolicyFloorStore floor)
    {
        _enforcer = enforcer;
        _trust = trust;
        _floor = floor;
        var data = DistributedData.Get(Context.System);
        _replicator = data.Replicator;
        _self = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress;

        Receive<Changed>(changed => changed.Key.Equals(PolicyEnvelope.Key), changed => Follow(changed.Get(PolicyEnvelope.Key)));
        Receive<GetSuccess>(got => got.Key.Equals(PolicyEnvelope.Key), got => Follow(got.Get(PolicyEnvelope.Key)));
        Receive<NotFound>(notFound => notFound.Key.Equals(PolicyEnvelope.Key), _ =>
        {
            // A store file that could not be read looks like "no policy" to the replicator.
            if (_enforced is null && DurableStoreHealth.Get(Context.System).Damage is { } damage)
                _enforcer.Refuse(damage);
        });
        Receive<NotFound>(_ => { });
        Receive<GetEnforcedPolicy>(_ => Sender.Tell(new EnforcedPolicy(_enforced, _refusal)));
        Receive<GetFailure>(_ => { });
        Receive<IUpdateResponse>(response =>
        {
            if (!response.IsSuccessful)
                _log.Warning("Could not publish the enforced policy version: {0}", response);
        });
    }

    public static string SelfKey(Address address) => address.ToString();

    protected override void PreStart()
    {
        if (_floor.Problem is { } problem)
            _log.Error("Policy floor unreadable, this member takes the farm's version as a new member would: {0}", problem);
        else if (_floor.Current.Version > 0)
            _log.Info("Policy floor: version {0}; no older farm version is enforced here", _floor.Current.Version);

        // The replicator loads the durable store before it answers, so this Get returns the last policy
        // this member had even when no other member is reachable.
        _replicator.Tell(Dsl.Subscribe(PolicyEnvelope.Key, Self));
        _replicator.Tell(Dsl.Get(PolicyEnvelope.Key, ReadLocal.Instance));
    }

    private void Follow(LWWRegister<PolicyEnvelope> register)
    {
        var envelope = register.Value;
        if (envelope is null || envelope.Version <= 0 || envelope.Equals(_enforced) || envelope.Equals(_refused) || envelope.Equals(_untrusted) || envelope.Equals(_replayed))
            return;

        if (_trust.Problem(envelope) is { } untrusted)
        {
            // Logged and counted once per value: the register keeps it until the arbiter's next write.
            _untrusted = envelope;
            PolicyMetrics.UntrustedVersions.Add(1);
            _log.Warning("Policy version {0} by {1} not enforced, version {2} stays: {3}", envelope.Version, envelope.WrittenBy, _enforced?.Version ?? 0, untrusted);
            return;
        }

        if (_floor.Current.Refuses(envelope) is { } replayed)
        {
            // Signed, but not the farm's newest: counted once per value, and the member stays as it is.
            _replayed = envelope;
            PolicyMetrics.ReplayedVersions.Add(1);
            _log.Warning("Policy version {0} by {1} not enforced, version {2} stays: {3}", envelope.Version, envelope.WrittenBy, _enforced?.Version ?? 0, replayed);
            return;
        }

        var descent = PolicyDescent.Of(_enforced, envelope, _refused);
        if (!descent.Accepted)
        {
            // Logged once per envelope: the register keeps it until the next apply replaces it.
            _refused = envelope;
            if (_refusal is null)
                PolicyMetrics.RefusingMembers.Add(1);
            _refusal = descent.Reason;
            PolicyMetrics.RefusedVersions.Add(1);
            _enforcer.RefuseVersion(descent.Reason);
            _log.Warning("Policy {0}", descent.Reason);
            return;
        }

        var parsed = PolicyParser.Parse(envelope.Text);
        if (!parsed.Success)
        {
            // Applies are validated before they are written, so only a member with an older grammar gets here.
            _log.Error("Policy version {0} does not parse here, version {1} stays: {2}",
                envelope.Version, _enforced?.Version ?? 0, string.Join("; ", parsed.Errors));
            return;
        }

        RaiseFloor(envelope);
        _enforcer.Enforce(envelope, parsed.Document!, string.Equals(envelope.LocalOf, _self.Address.ToString(), StringComparison.Ordinal));
        _enforced = envelope;
        if (_refusal is not null)
            PolicyMetrics.RefusingMembers.Add(-1);
        _refusal = null;
        _refused = null;
        _log.Info("Enforcing farm policy version {0} by {1} ({2:O}){3}", envelope.Version, envelope.Author, envelope.Timestamp, descent.Kind switch
        {
            PolicyDescentKind.Resync => ", skipping versions this member missed",
            PolicyDescentKind.ReplacesSeed => ", replacing the seed this member wrote while the farm's policy was out of reach",
            PolicyDescentKind.Rebased => ", which the farm built on the version this member had refused",
            _ => string.Empty,
        });
        var key = SelfKey(_self.Address);
        _replicator.Tell(Dsl.Update(EnforcedKey, LWWDictionary<string, PolicyEnvelope>.Empty, WriteLocal.Instance,
            status => status.SetItem(_self, key, envelope)));
    }

    // Raised before the version is enforced, so no restart can find it enforced and the floor below it.
    private void RaiseFloor(PolicyEnvelope envelope)
    {
        try
        {
            _floor.Raise(envelope);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error("Could not record policy version {0} as this member's floor in {1}: {2}", envelope.Version, _floor.Path, e.Message);
        }
    }
}

/// <summary>Wires the policy replica at <c>/user/policy-replica</c>.</summary>
public static class PolicyReplicaActorHosting
{
    public const string Name = "policy-replica";

    public static AkkaConfigurationBuilder AddPolicyReplica(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var enforcer = resolver.GetService<IPolicyEnforcer>();
            var trust = resolver.GetService<PolicyTrust>() ?? throw new InvalidOperationException("no PolicyTrust registered: a member must know which policy versions to trust");
            var floor = resolver.GetService<PolicyFloorStore>() ?? throw new InvalidOperationException("no PolicyFloorStore registered: a member must know the oldest version it may enforce");
            registry.Register<PolicyReplicaActor>(system.ActorOf(Props.Create(() => new PolicyReplicaActor(enforcer, trust, floor)), Name));
        });
}
