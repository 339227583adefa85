using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Farm.Node.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Listening;

/// <summary>
/// Owns one listening socket's accept loop and hands every accepted client to the sessions
/// supervisor. The loop runs outside the mailbox; only the accepted socket travels as a message.
/// </summary>
public sealed class SocksListenerActor : ReceiveActor
{
    private static readonly TimeSpan AcceptErrorPause = TimeSpan.FromMilliseconds(50);

    private readonly Socket _listening;
    private readonly IActorRef _sessions;
    private readonly IPEndPoint _endpoint;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SocksListenerActor(Socket listening, IActorRef sessions)
    {
        _listening = listening;
        _sessions = sessions;
        _endpoint = (IPEndPoint)listening.LocalEndPoint!;
    }

    protected override void PreStart()
    {
        _log.Info("SOCKS listener on {0}", _endpoint);
        _ = AcceptLoopAsync(_stop.Token);
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listening.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors or a client that reset before accept: keep serving the others.
                _log.Warning("accept on {0} failed: {1}", _endpoint, e.SocketErrorCode);
                await Task.Delay(AcceptErrorPause, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            client.NoDelay = true;
            _sessions.Tell(new AcceptClient(client, _endpoint));
        }
    }
}

/// <summary>Wires one listener actor per configured endpoint at <c>/user/listener-N</c>.</summary>
public static class SocksListenerHosting
{
    public static AkkaConfigurationBuilder AddSocksListeners(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var sessions = registry.Get<SessionsActor>();
            var sockets = resolver.GetService<SocksListenerSockets>();
            for (var i = 0; i < sockets.Sockets.Count; i++)
            {
                var socket = sockets.Sockets[i];
                system.ActorOf(Props.Create(() => new SocksListenerActor(socket, sessions)), $"listener-{i}");
            }
        });
}
