using System.Net.Sockets;
using Akka.Actor;

namespace Farm.Node.Sessions;

/// <summary>Creates one <see cref="ConnectionActor"/> with its arguments, without reflection or expressions.</summary>
internal sealed class ConnectionActorProducer(Socket client, long id, SessionServices services) : IIndirectActorProducer
{
    public Type ActorType => typeof(ConnectionActor);

    public ActorBase Produce() => new ConnectionActor(client, id, services);

    public void Release(ActorBase actor)
    {
    }
}
