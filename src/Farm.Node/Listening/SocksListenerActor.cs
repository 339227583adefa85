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
/// While the node drains the socket is closed, so new clients are refused by the kernel, and it is
/// bound again on the same endpoint when the node is undrained.
/// </summary>
public sealed class SocksListenerActor : ReceiveActor
{
    private static readonly TimeSpan AcceptErrorPause = TimeSpan.FromMilliseconds(50);

    private readonly IActorRef _sessions;
    private readonly IPEndPoint _endpoint;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Socket? _listening;
    private CancellationTokenSource? _stop;

    public SocksListenerActor(Socket listening, IActorRef sessions)
    {
        _listening = listening;
        _sessions = sessions;
        _endpoint = (IPEndPoint)listening.LocalEndPoint!;
        Receive<StopAccepting>(_ =>
        {
            Close();
            Sender.Tell(new AcceptingChanged(_endpoint, false));
        });
        Receive<StartAccepting>(_ =>
        {
            if (_listening is null)
            {
                _listening = SocksListenerSockets.Bind(_endpoint);
                Open();
            }

            Sender.Tell(new AcceptingChanged(_endpoint, true));
        });
    }

    protected override void PreStart() => Open();

    protected override void PostStop() => Close();

    private void Open()
    {
        _log.Info("SOCKS listener on {0}", _endpoint);
        _stop = new CancellationTokenSource();
        _ = AcceptLoopAsync(_listening!, _stop.Token);
    }

    private void Close()
    {
        _stop?.Cancel();
        _stop?.Dispose();
        _stop = null;
        _listening?.Dispose();
        _listening = null;
    }

    private async Task AcceptLoopAsync(Socket listening, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listening.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (stop.IsCancellationRequested)
            {
                _log.Debug("listener on {0} closed: {1}", _endpoint, e.SocketErrorCode);
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

/// <summary>Wires one listener actor per configured endpoint at <c>/user/listeners/listener-N</c>.</summary>
public static class SocksListenerHosting
{
    public static AkkaConfigurationBuilder AddSocksListeners(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var sessions = registry.Get<SessionsActor>();
            var sockets = resolver.GetService<SocksListenerSockets>();
            registry.Register<SocksListenersActor>(system.ActorOf(SocksListenersActor.Props(sockets.Sockets, sessions), "listeners"));
        });
}
