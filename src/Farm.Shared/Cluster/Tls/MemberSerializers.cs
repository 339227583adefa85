using System.Collections.Frozen;
using Farm.Shared.Replication;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// The serializers one member's messages to another travel in, as <see cref="ClusterCommandPdu"/> sees them
/// (the message, and the message each actor-selection envelope encloses); a message in any other is refused.
/// Akka binds <c>System.Object</c> to its JSON serializer, which deserialises whatever <c>$type</c> the sender
/// names: a certificate holder bound Down to it and got past a check that reads the cluster serializer's
/// manifests only, and it is a deserialisation gadget in itself.
/// </summary>
public static class MemberSerializers
{
    /// <summary>Akka's Newtonsoft JSON serializer: the fallback for anything unbound, never used between members.</summary>
    public const int Json = 1;

    // Measured: every id a lighthouse and nodes received during joins, gossip, a policy apply, a drain, a member
    // killed and downed, and sessions list --all-members was one of 5, 6, 12, 16, 22 and 7304. Singleton hand-over
    // between two lighthouses (14) is added by its binding. Replicated values (11, 7301, 7303) travel only
    // inside Distributed Data's messages (12), never as a message of their own, so they are not listed.
    private static readonly FrozenSet<int> Accepted = new[]
    {
        5, // akka-cluster: gossip, heartbeats, InitJoin, Join, Welcome
        6, // akka-containers: ActorSelectionMessage (its enclosed message is checked too)
        12, // akka-data-replication: Distributed Data's replicator messages
        14, // akka-singleton: hand-over of the policy arbiter between lighthouses
        16, // akka-misc: Identify/ActorIdentity (the singleton proxy), remote watch heartbeats
        22, // akka-system-msg: Watch, Unwatch, DeathWatchNotification
        PolicyArbiterSerializer.Id, // ApplyPolicy and its reply through the singleton proxy
    }.ToFrozenSet();

    public static bool Accepts(int serializer) => Accepted.Contains(serializer);
}
