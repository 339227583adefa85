using Akka.Configuration;

namespace Farm.Shared.Replication;

/// <summary>Serializer bindings every Farm host adds, so no replicated value falls back to the default JSON serializer.</summary>
public static class FarmSerialization
{
    public static readonly Config Config = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers {
            farm-policy = "Farm.Shared.Replication.PolicyEnvelopeSerializer, Farm.Shared"
          }
          serialization-bindings {
            "Farm.Shared.Replication.PolicyEnvelope, Farm.Shared" = farm-policy
          }
        }
        """);
}
