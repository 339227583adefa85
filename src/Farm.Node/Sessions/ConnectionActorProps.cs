using System.Net.Sockets;
using Akka.Actor;
using Farm.Node.Listening;
using Farm.Node.Sources;

namespace Farm.Node.Sessions;

/// <summary>
/// Props for one <see cref="ConnectionActor"/>: the deployment (mailbox and dispatcher) is built once
/// and each connection's Props carries only its arguments. Akka builds a new deployment for each
/// <c>WithMailbox</c>/<c>WithDispatcher</c>, parsing an empty HOCON config each time; per connection
/// that was about a tenth of the node's allocations under a connection storm. The actor is made
/// directly, without reflection or a compiled expression.
/// </summary>
internal sealed class ConnectionActorProps : Props
{
    private static readonly Props Template = new(
        Deploy.None.WithMailbox(ConnectionMailbox.ConfigPath).WithDispatcher(ConnectionDispatcher.ConfigPath),
        typeof(ConnectionActor));

    private readonly Socket _client;
    private readonly ProxyTrust? _proxy;
    private readonly long _id;
    private readonly SourceTicket _ticket;
    private readonly SessionServices _services;

    public ConnectionActorProps(Socket client, ProxyTrust? proxy, long id, SourceTicket ticket, SessionServices services)
        : base(Template)
    {
        _client = client;
        _proxy = proxy;
        _id = id;
        _ticket = ticket;
        _services = services;
    }

    /// <summary>Akka copies Props to change their deployment; the copy makes the same actor.</summary>
    private ConnectionActorProps(ConnectionActorProps copy)
        : base(copy)
    {
        _client = copy._client;
        _proxy = copy._proxy;
        _id = copy._id;
        _ticket = copy._ticket;
        _services = copy._services;
    }

    // NewActor is where Akka itself makes the actor, inside ActorOf; the analyzer cannot tell.
#pragma warning disable AK1000
    public override ActorBase NewActor() => new ConnectionActor(_client, _proxy, _id, _ticket, _services);
#pragma warning restore AK1000

    protected override Props Copy() => new ConnectionActorProps(this);
}
