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
    private static readonly TimeSpan FirstAcceptPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LastAcceptPause = TimeSpan.FromSeconds(1);

    private readonly IActorRef _sessions;
    private readonly AcceptPlaces _places;
    private readonly IPEndPoint _endpoint;
    private readonly ProxyTrust? _proxy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Socket? _listening;
    private CancellationTokenSource? _stop;

    public SocksListenerActor(Socket listening, ProxyTrust? proxy, IActorRef sessions, AcceptPlaces places)
    {
        _listening = listening;
        _proxy = proxy;
        _sessions = sessions;
        _places = places;
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

    /// <summary>
    /// Never ends before the listener is closed: out of descriptors (EMFILE), a client that reset
    /// before accept or anything else only pauses it, longer while the failures last. Accepts only
    /// while fewer than <see cref="AcceptPlaces.Places"/> sockets wait for the supervisor.
    /// </summary>
    private async Task AcceptLoopAsync(Socket listening, CancellationToken stop)
    {
        var pause = FirstAcceptPause;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _places.TakeAsync(stop).ConfigureAwait(false);
                Socket client;
                try
                {
                    client = await listening.AcceptAsync(stop).ConfigureAwait(false);
                }
                catch
                {
                    _places.Decided();
                    throw;
                }

                pause = FirstAcceptPause;
                if (TryNoDelay(client))
                {
                    _sessions.Tell(new AcceptClient(client, _endpoint, _proxy));
                }
                else
                {
                    _places.Decided();
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || stop.IsCancellationRequested)
            {
                _log.Debug("listener on {0} closed: {1}", _endpoint, e.Message);
                return;
            }
            catch (Exception e)
            {
                _log.Warning("accept on {0} failed, pausing {1} ms: {2}", _endpoint, pause.TotalMilliseconds, e is SocketException s ? s.SocketErrorCode.ToString() : e.Message);
                await Task.Delay(pause, CancellationToken.None).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LastAcceptPause.Ticks));
            }
        }
    }

    /// <summary>A client that reset between accept and here is closed and forgotten.</summary>
    private static bool TryNoDelay(Socket client)
    {
        try
        {
            client.NoDelay = true;
            return true;
        }
        catch (SocketException)
        {
            client.Dispose();
            return false;
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
            var places = resolver.GetService<SessionServices>().AcceptPlaces;
            registry.Register<SocksListenersActor>(system.ActorOf(SocksListenersActor.Props(sockets.Sockets, sockets.Proxies, sessions, places), "listeners"));
        });
}
