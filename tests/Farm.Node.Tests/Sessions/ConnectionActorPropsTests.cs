using System.Net.Sockets;
using Farm.Node.Sessions;

namespace Farm.Node.Tests.Sessions;

public sealed class ConnectionActorPropsTests
{
    [Fact]
    public void Props_NameTheConnectionActor_ItsMailbox_AndItsDispatcher()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        // The ticket and services are only handed to the actor when Akka makes it; these Props are never deployed.
        var props = ConnectionActor.Props(client, null, 7, null!, null!);

        Assert.Equal(typeof(ConnectionActor), props.Type);
        Assert.Equal(ConnectionMailbox.ConfigPath, props.Mailbox);
        Assert.Equal(ConnectionDispatcher.ConfigPath, props.Dispatcher);
    }

    [Fact]
    public void CopyMadeByAkka_KeepsItsType_AndTakesTheNewDeployment()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var props = ConnectionActor.Props(client, null, 7, null!, null!);

        // What Akka does when a deployment in the configuration names another dispatcher.
        var copy = props.WithDispatcher("akka.actor.default-dispatcher");

        Assert.IsType<ConnectionActorProps>(copy);
        Assert.Equal(typeof(ConnectionActor), copy.Type);
        Assert.Equal("akka.actor.default-dispatcher", copy.Dispatcher);
        Assert.Equal(ConnectionMailbox.ConfigPath, copy.Mailbox);
        Assert.Equal(ConnectionDispatcher.ConfigPath, props.Dispatcher);
    }
}
