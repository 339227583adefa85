using Akka.Configuration;

namespace Farm.Shared.Replication;

/// <summary>
/// Serializer bindings every Farm host adds, so no replicated value falls back to the default JSON
/// serializer, and the durable-store protocol passes <c>serialize-messages = on</c> (see <see cref="LocalOnlySerializer"/>).
/// </summary>
public static class FarmSerialization
{
    public static readonly Config Config = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers {
            farm-policy = "Farm.Shared.Replication.PolicyEnvelopeSerializer, Farm.Shared"
            farm-local-only = "Farm.Shared.Replication.LocalOnlySerializer, Farm.Shared"
            farm-node-advertisement = "Farm.Shared.Replication.NodeAdvertisementSerializer, Farm.Shared"
            farm-policy-arbiter = "Farm.Shared.Replication.PolicyArbiterSerializer, Farm.Shared"
          }
          serialization-bindings {
            "Farm.Shared.Replication.PolicyEnvelope, Farm.Shared" = farm-policy
            "Farm.Shared.Discovery.NodeAdvertisement, Farm.Shared" = farm-node-advertisement
            "Farm.Shared.Replication.ApplyPolicy, Farm.Shared" = farm-policy-arbiter
            "Farm.Shared.Replication.PolicyWriteReply, Farm.Shared" = farm-policy-arbiter
            "Akka.DistributedData.Durable.LoadAll, Akka.DistributedData" = farm-local-only
            "Akka.DistributedData.Durable.LoadData, Akka.DistributedData" = farm-local-only
            "Akka.DistributedData.Durable.LoadAllCompleted, Akka.DistributedData" = farm-local-only
            "Akka.DistributedData.Durable.Store, Akka.DistributedData" = farm-local-only
            # A ReadMajority that finds a newer value sends these between the read aggregator and its own
            # replicator only; 1.5.73 binds no serializer, so verification dropped them and the read never answered.
            "Akka.DistributedData.Internal.ReadRepair, Akka.DistributedData" = farm-local-only
            "Akka.DistributedData.Internal.ReadRepairAck, Akka.DistributedData" = farm-local-only
            # Published on the local event stream only; 1.5.73 binds no serializer, so verification dropped it.
            "Akka.Cluster.ClusterEvent+ReachabilityChanged, Akka.Cluster" = farm-local-only
          }
        }
        """);
}
