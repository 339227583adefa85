using Akka.Actor;

namespace Farm.Shared.Cluster;

/// <summary>The cluster runs in one actor system for the member's life (a lighthouse, a test's system).</summary>
public sealed class FixedClusterSystem(ActorSystem system) : IClusterSystem
{
    public ActorSystem? Current => system;
}
