using Akka.Actor;

namespace Farm.Shared.Cluster;

/// <summary>
/// The actor system this member's cluster runs in right now. A lighthouse has one for its life; a node
/// throws its cluster system away when the farm removes it and joins again with a new one, so callers
/// ask each time and get null while the node is detached.
/// </summary>
public interface IClusterSystem
{
    ActorSystem? Current { get; }
}
