using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using Farm.Node.Logging;
using Farm.Node.Sources;
using Farm.Shared.Admin;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Records;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Sessions;

/// <summary>
/// The node's sessions supervisor: one <see cref="ConnectionActor"/> child per accepted client,
/// up to the node's session cap. A connection is never restarted: a failed one is stopped.
/// </summary>
public sealed class SessionsActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan InfoTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How often the refusals left out of the session log are summarised.</summary>
    private static readonly TimeSpan RefusalSummaries = TimeSpan.FromSeconds(1);

    private readonly SessionServices _services;
    private long _nextId;

    public SessionsActor(SessionServices services)
    {
        _services = services;
        Receive<AcceptClient>(Accept);
        Receive<KillSession>(Kill);
        Receive<GetSessions>(_ => CollectSessions().PipeTo(Sender));
        Receive<GetSessionCount>(_ => Sender.Tell(new SessionCount(_services.Open.Current)));
        Receive<SummariseRefusals>(_ => SummariseRefusalRecords());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(SummariseRefusals), SummariseRefusals.Instance, RefusalSummaries);

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Accept(AcceptClient accepted)
    {
        try
        {
            Admit(accepted);
        }
        finally
        {
            _services.AcceptPlaces.Decided();
        }
    }

    private void Admit(AcceptClient accepted)
    {
        var id = ++_nextId;
        if (accepted.Socket.RemoteEndPoint is not IPEndPoint remote)
        {
            SocketTeardown.Close(accepted.Socket, graceful: false);
            return;
        }

        // A node-wide "limit sessions N" in the policy takes precedence over the configured cap.
        var policy = _services.Policy.Current.Policy;
        var cap = _services.Caps.Current.Enforced(policy.Limits.MaxSessions);
        var open = _services.Open.Current;

        // On a full node a newcomer may take another's place: one the client rule refuses must never.
        // Behind a PROXY listener the peer is the proxy; its client is known only from the header.
        if (open >= cap && accepted.Proxy is null && accepted.Socket.LocalEndPoint is IPEndPoint local
            && DecisionProcedure.OnClient(policy, remote.Address, local.Address) is { Action: not PolicyAction.Pass } refused)
        {
            _services.Metrics.PolicyDecided("client", refused.Rule, refused.Action);
            Refuse(accepted, id, "client-refused", "client-rule", refused.Rule?.Id ?? "default");
            return;
        }

        // The policy's per-network session limit bounds each source in it from the accept on, handshakes included.
        // Behind a PROXY listener the peer is a trusted proxy, one address for all its clients: its connection counts in
        // a bucket of its own until the header names the client, whose per-source caps apply then (SourceTicket.Introduce).
        var trustedProxy = accepted.Proxy?.Trusts(remote.Address) == true;
        var sourceCap = trustedProxy ? null : DecisionProcedure.SourceCap(policy, remote.Address);
        if (_services.Sources.TryOpen(remote.Address.Unmapped(), id, open, cap, sourceCap, out var admission, out var evicted, trustedProxy) is not { } ticket)
        {
            var reason = RefusalOf(admission);
            Refuse(accepted, id, reason, reason, rule: null);
            return;
        }

        if (evicted is not null)
        {
            // Its place is already the newcomer's; the connection itself ends with an "evicted" record and the reason.
            Context.Child(ConnectionActor.NameOf(evicted.Session)).Tell(EvictSession.Instance);
            _services.Metrics.SessionEvicted(evicted.EvictedFor ?? EvictionReason.PendingHandshake);
        }

        _services.Open.Opened();
        _services.Metrics.SessionOpened();
        Context.ActorOf(ConnectionActor.Props(accepted.Socket, accepted.Proxy, id, ticket, _services), ConnectionActor.NameOf(id));
    }

    /// <summary>The outcome and reason of a connection refused for <paramref name="admission"/>.</summary>
    internal static string RefusalOf(SourceAdmission admission) => admission switch
    {
        SourceAdmission.OverSessionCap => "source-cap",
        SourceAdmission.OverHandshakeCap => "handshake-cap",
        _ => "session-cap",
    };

    private void Kill(KillSession kill)
    {
        var child = Context.Child(ConnectionActor.NameOf(kill.Id));
        if (!child.IsNobody())
        {
            child.Tell(kill);
        }

        Sender.Tell(new SessionKilled(kill.Id, !child.IsNobody()));
    }

    /// <summary>
    /// Each connection answers from its own small record; one that ends meanwhile is left out
    /// rather than holding up the list.
    /// </summary>
    private async Task<OpenSessions> CollectSessions()
    {
        var asks = Context.GetChildren()
            .Select(child => child.Ask<SessionInfo>(GetSessionInfo.Instance, InfoTimeout))
            .ToList();
        try
        {
            await Task.WhenAll(asks).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            // Some connection stopped before it answered; the others are still listed.
        }

        return new OpenSessions([.. asks.Where(a => a.IsCompletedSuccessfully).Select(a => a.Result).OrderBy(s => s.Id)]);
    }

    private void SummariseRefusalRecords()
    {
        foreach (var summary in _services.Refusals.TakeEnded())
        {
            _services.Log.Write(new SessionRecord
            {
                Time = summary.From,
                Kind = "client",
                Session = 0,
                Node = _services.Log.NodeName,
                Listener = summary.Listener,
                Client = summary.Source,
                Outcome = RefusalSummary.Outcome,
                Reason = summary.Describe(),
                Suppressed = summary.Suppressed,
                DurationMs = summary.Interval.TotalMilliseconds,
            });
        }
    }

    /// <summary>Closes a connection refused before it has a place: counted, and recorded within the source's refusal records.</summary>
    private void Refuse(AcceptClient accepted, long id, string outcome, string reason, string? rule)
    {
        var client = accepted.Socket.RemoteEndPoint?.ToString() ?? "unknown";
        var listener = accepted.Socket.LocalEndPoint?.ToString() ?? accepted.Listener.ToString();
        var source = (accepted.Socket.RemoteEndPoint as IPEndPoint)?.Address.Unmapped();
        SocketTeardown.Close(accepted.Socket, graceful: false);
        _services.Metrics.ClientRefused(reason);
        if (source is not null && !_services.Refusals.TryRecord(source, listener))
        {
            _services.Metrics.RefusalRecordSuppressed();
            return;
        }

        _services.Log.Write(new SessionRecord
        {
            Time = _services.Time.GetUtcNow(),
            Kind = "client",
            Session = id,
            Node = _services.Log.NodeName,
            Listener = listener,
            Client = client,
            Rule = rule,
            Outcome = outcome,
        });
    }
}

/// <summary>Wires the sessions supervisor at <c>/user/sessions</c>.</summary>
public static class SessionsActorHosting
{
    public static AkkaConfigurationBuilder AddSessionsActor(this AkkaConfigurationBuilder builder) =>
        builder.AddHocon(ConnectionMailbox.Hocon, HoconAddMode.Append).AddHocon(ConnectionDispatcher.Hocon, HoconAddMode.Append).WithActors((system, registry, resolver) =>
        {
            var services = resolver.GetService<SessionServices>();
            registry.Register<SessionsActor>(system.ActorOf(Props.Create(() => new SessionsActor(services)), "sessions"));
        });
}
