using System.Net.Sockets;
using Akka.Actor;

namespace Farm.Node.Listening;

/// <summary>
/// Parent of the node's listeners; it stops or starts accepting on all of them at once and answers
/// when every one has done so, so a drain that returns has really closed the door.
/// </summary>
public sealed class SocksListenersActor : ReceiveActor
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(5);

    public SocksListenersActor(IReadOnlyList<Socket> sockets, IReadOnlyList<ProxyTrust?> proxies, IActorRef sessions, AcceptPlaces places)
    {
        for (var i = 0; i < sockets.Count; i++)
        {
            var socket = sockets[i];
            var proxy = proxies[i];
            Context.ActorOf(Akka.Actor.Props.Create(() => new SocksListenerActor(socket, proxy, sessions, places)), $"listener-{i}");
        }

        Receive<StopAccepting>(message => ChangeAll(message).PipeTo(Sender));
        Receive<StartAccepting>(message => ChangeAll(message).PipeTo(Sender));
    }

    public static Props Props(IReadOnlyList<Socket> sockets, IReadOnlyList<ProxyTrust?> proxies, IActorRef sessions, AcceptPlaces places) =>
        Akka.Actor.Props.Create(() => new SocksListenersActor(sockets, proxies, sessions, places));

    private async Task<ListenersChanged> ChangeAll(object message)
    {
        var changes = await Task.WhenAll(Context.GetChildren().Select(child => child.Ask<AcceptingChanged>(message, ChangeTimeout))).ConfigureAwait(false);
        return new ListenersChanged(changes);
    }
}
