using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Farm.Node.Flow;
using Farm.Node.Listening;
using Farm.Node.Logging;
using Farm.Node.Sources;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Sessions;

/// <summary>
/// The control plane of one client connection. The session's stages (<see cref="SessionFlow"/>) run
/// outside the mailbox, and the actor hears from the flow once, when it ends; a connection costs the
/// mailbox its creation and its end. The actor keeps only what an actor must: the session's identity
/// for <c>sessions list</c> and <c>kill</c>, the kill switch, and the finish (record, metrics,
/// teardown). Bytes never pass through here. An untyped actor with no behaviour changes: a receive
/// actor or Become builds handler tables per instance, which weighs on every idle session.
/// </summary>
public sealed class ConnectionActor : UntypedActor
{
    private readonly long _id;
    private readonly SourceTicket _ticket;
    private readonly SessionServices _services;
    private readonly SessionFlow _flow;
    private readonly long _startedAt;

    public ConnectionActor(Socket client, ProxyTrust? proxy, long id, SourceTicket ticket, SessionServices services)
    {
        _id = id;
        _ticket = ticket;
        _services = services;
        _startedAt = services.Time.GetTimestamp();
        var accepted = Accepted.Of(client, (IPEndPoint)client.RemoteEndPoint!, (IPEndPoint)client.LocalEndPoint!, services.Policy.Current, _startedAt);
        _flow = new SessionFlow(accepted, proxy, services, ticket);
    }

    public static string NameOf(long id) => $"c-{id}";

    public static Props Props(Socket client, ProxyTrust? proxy, long id, SourceTicket ticket, SessionServices services) => new ConnectionActorProps(client, proxy, id, ticket, services);

    protected override void PreStart()
    {
        try
        {
            var run = _flow.RunAsync();
            if (run.IsCompletedSuccessfully)
            {
                // A refused client ends before a byte is read: finished here, without a message.
                Finish(run.Result);
                return;
            }

            _ = ReportAsync(run, Self);
        }
        catch (Exception e)
        {
            // An actor that fails to start is never given PostStop, which closes the client and
            // counts the session closed: stop it the ordinary way instead.
            Context.GetLogger().Error(e, "session {0} failed to start", _id);
            Finish(_flow.Broken());
        }
    }

    protected override void PostStop()
    {
        _services.Open.Closed();
        _services.Metrics.SessionClosed();
        _ticket.Close();
        _flow.Close();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SessionEnded ended:
                if (ended.Failure is { } failure)
                {
                    Context.GetLogger().Error(failure, "session {0} failed", _id);
                }

                Finish(ended.Ending);
                break;
            case KillSession or EvictSession:
                _flow.Kill();
                break;
            case GetSessionInfo:
                Sender.Tell(_flow.Info(_id, _services.Time.GetElapsedTime(_startedAt)));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Whatever way the flow ends, the actor is told exactly once, from the thread pool.</summary>
    private async Task ReportAsync(Task<Ended> run, IActorRef self)
    {
        SessionEnded report;
        try
        {
            report = new SessionEnded(await run.ConfigureAwait(false), null);
        }
        catch (Exception e)
        {
            report = new SessionEnded(_flow.Broken(), e);
        }

        await ThreadPoolHop.ToPool();
        self.Tell(report);
    }

    private void Finish(Ended ended)
    {
        var evictedFor = _ticket.EvictedFor;
        var outcome = evictedFor is null ? ended.Outcome : EvictionReason.Outcome;
        var duration = _services.Time.GetElapsedTime(_startedAt);
        _services.Metrics.SessionEnded(ended.Version, ended.Request, outcome, duration, ended.Accepted.Counters);
        if (ended.Decision is { } decision)
        {
            _services.Metrics.PolicyDecided("request", decision.Rule, decision.Action);
        }

        if (RefusalRecords.IsLimited(ended.Kind, ended.Reply == Socks5Reply.Succeeded, outcome) && !_services.Refusals.TryRecord(ended.Client.Address.Unmapped(), ended.Accepted.Listener.ToString()))
        {
            // A refused client over its source's records per second: counted, and told in the summary.
            _services.Metrics.RefusalRecordSuppressed();
            Context.Stop(Self);
            return;
        }

        _services.Log.Write(ended.ToRecord(_id, _services.Log.NodeName, _services.Time.GetUtcNow(), duration, evictedFor));
        if (ended.RuleLogLine(outcome) is { } line)
        {
            Context.GetLogger().Log(LevelOf(ended.Decision!.Value.Rule!.Log), line);
        }

        Context.Stop(Self);
    }

    private static LogLevel LevelOf(PolicyLogLevel level) => level switch
    {
        PolicyLogLevel.Debug => LogLevel.DebugLevel,
        PolicyLogLevel.Warning => LogLevel.WarningLevel,
        _ => LogLevel.InfoLevel,
    };
}
