using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Farm.Node.Binding;
using Farm.Node.Dialing;
using Farm.Node.Handshake;
using Farm.Node.Logging;
using Farm.Node.Policy;
using Farm.Node.Relaying;
using Farm.Node.Sockets;
using Farm.Node.Sources;
using Farm.Node.Udp;
using Farm.Shared.Admin;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Sessions;

/// <summary>
/// The control plane of one client connection. The session's steps (handshake, decision, dial,
/// reply, relay) run as one flow outside the mailbox, in that order only, and the actor hears from
/// it once, when it ends; between the steps there is no message, so a connection costs the mailbox
/// its creation and its end. The actor owns what outlives the flow: the kill switch, the session's
/// line in listings, the session record and the teardown. Bytes never pass through here. An untyped
/// actor with no behaviour changes: a receive actor or Become builds handler tables per instance,
/// which weighs on every idle session.
/// </summary>
public sealed class ConnectionActor : UntypedActor
{
    private readonly Socket _client;
    private readonly long _id;
    private readonly SourceTicket _ticket;
    private readonly SessionServices _services;
    private readonly CancellationTokenSource _kill = new();
    private readonly RelayCounters _counters = new();
    private readonly long _startedAt;
    private readonly IPEndPoint _clientEndPoint;
    private readonly IPEndPoint _localEndPoint;
    private PolicySnapshot _policy = null!;
    private Socket? _upstream;
    private SocksVersion? _version;
    private string? _user;
    private SocksRequest? _request;
    private IPAddress? _resolved;
    private RequestDecision? _decision;
    private VerdictReason? _refusedFor;
    private Socks5Reply? _reply;
    private bool _graceful;
    private IReadOnlyList<SessionLimit> _limitsHeld = [];
    private string? _route;
    private UdpAssociation? _udp;
    private string _state = "handshake";
    private string? _limitRule;

    public ConnectionActor(Socket client, long id, SourceTicket ticket, SessionServices services)
    {
        _client = client;
        _id = id;
        _ticket = ticket;
        _services = services;
        _startedAt = services.Time.GetTimestamp();
        _clientEndPoint = (IPEndPoint)client.RemoteEndPoint!;
        _localEndPoint = (IPEndPoint)client.LocalEndPoint!;
    }

    public static string NameOf(long id) => $"c-{id}";

    public static Props Props(Socket client, long id, SourceTicket ticket, SessionServices services) => new ConnectionActorProps(client, id, ticket, services);

    private IPAddress ClientAddress => _clientEndPoint.Address.Unmapped();

    private IPAddress ListenerAddress => _localEndPoint.Address.Unmapped();

    /// <summary>
    /// The node's relay settings, with the policy's idle timeout and bandwidth limit when it sets
    /// them; the shared settings object when it sets neither, so an unlimited session allocates nothing here.
    /// </summary>
    private RelaySettings RelaySettings
    {
        get
        {
            var limits = _policy.Policy.Limits;
            return limits.IdleTimeout is null && limits.BandwidthPerSession is null
                ? _services.Relay
                : _services.Relay with
                {
                    IdleTimeout = limits.IdleTimeout ?? _services.Relay.IdleTimeout,
                    BytesPerSecond = limits.BandwidthPerSession,
                };
        }
    }

    protected override void PreStart()
    {
        try
        {
            _policy = _services.Policy.Current;
            var admission = _policy.Policy.DecideClient(ClientAddress, ListenerAddress);
            _services.Metrics.PolicyDecided("client", admission.Rule, admission.Action);
            if (admission.Action != PolicyAction.Pass)
            {
                _services.Metrics.ClientRefused("client-rule");
                // Interface-of-entry and source check: not one SOCKS byte is answered.
                Finish("client-refused", kind: "client", rule: admission.Rule?.Id);
                return;
            }

            _ = RunAsync(Self);
        }
        catch (Exception e)
        {
            // An actor that fails to start is never given PostStop, which closes the client and
            // counts the session closed: stop it the ordinary way instead.
            Context.GetLogger().Error(e, "session {0} failed to start", _id);
            Finish("internal-error");
        }
    }

    protected override void PostStop()
    {
        _services.Open.Closed();
        _services.Metrics.SessionClosed();
        _services.Limiter.Release(_limitsHeld);
        _ticket.Close();
        _udp?.Dispose();
        // Cancelled, not disposed: a flow still running after a forced stop may read its token,
        // and a source with no timer has nothing to release.
        _kill.Cancel();
        SocketTeardown.Close(_upstream, _graceful);
        SocketTeardown.Close(_client, _graceful);
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

                Finish(ended.Outcome);
                break;
            case KillSession or EvictSession:
                _kill.Cancel();
                break;
            case GetSessionInfo:
                Sender.Tell(Info());
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// The whole session; whatever way it ends, the actor is told exactly once. Setting up runs in
    /// frames of its own that end before the relay starts, so an idle session keeps only this frame
    /// and the relay's.
    /// </summary>
    private async Task RunAsync(IActorRef self)
    {
        try
        {
            var outcome = await EstablishAsync().ConfigureAwait(false);
            if (outcome is null)
            {
                _ticket.Relaying(_counters);
                var result = await Relay.RunAsync(_client, _upstream!, _request!.Pending, RelaySettings, _counters, _kill.Token).ConfigureAwait(false);
                _graceful = result.Graceful;
                outcome = KebabNames<RelayOutcome>.Of(result.Outcome);
            }

            await ThreadPoolHop.ToPool();
            self.Tell(new SessionEnded(outcome, null));
        }
        catch (Exception e)
        {
            _graceful = false;
            self.Tell(new SessionEnded("internal-error", e));
        }
    }

    /// <summary>Handshake, decision, dial or bind, reply: the outcome when the session ends there, null when it goes on to relay.</summary>
    private async Task<string?> EstablishAsync()
    {
        var timeout = _policy.Policy.Limits.HandshakeTimeout ?? _services.Options.HandshakeTimeout;
        var handshake = await SocksHandshake.RunAsync(_client, _policy.Policy, ClientAddress, ListenerAddress, _services.Passwords, _services.Gssapi, timeout, _kill.Token).ConfigureAwait(false);
        if (!_ticket.HandshakeDone())
        {
            // Evicted while the node was full: whatever the handshake got to, it is not served.
            return EvictionReason.Outcome;
        }

        _version = handshake.Version;
        _user = handshake.User;
        _services.Metrics.HandshakeEnded(handshake, _services.Time.GetElapsedTime(_startedAt));
        if (handshake.Request is not { } request)
        {
            return KebabNames<HandshakeFailure>.Of(handshake.Failure);
        }

        _request = request;
        _services.Metrics.RequestStarted(request);
        var policyRequest = new PolicyRequest(
            request.Command,
            ClientAddress,
            ListenerAddress,
            request.Destination.Host,
            request.Destination.Address is { } address ? address.Unmapped() : null,
            request.Destination.Port,
            request.Auth,
            request.User);

        // One decision procedure for every command and route: nothing is dialed, listened on or
        // relayed, and no upstream is contacted, before the request has a pass decision.
        var verdict = DecisionProcedure.OnRequest(_policy.Policy, policyRequest);
        _decision = verdict.Decision;
        if (verdict.Step == RequestStep.Refuse)
        {
            _refusedFor = verdict.Reason;
            return await ReplyAsync(Socks5Reply.ConnectionNotAllowed).ConfigureAwait(false);
        }

        // Every session counts, UDP associations included, and holds its place until it ends.
        var limits = _policy.Policy.SessionLimitsFor(ClientAddress, request.User);
        if (limits.Count > 0)
        {
            if (!_services.Limiter.TryAcquire(limits, out var exceeded))
            {
                _limitRule = $"limit line {exceeded!.Line}";
                return await ReplyAsync(Socks5Reply.ConnectionNotAllowed, "session-limit").ConfigureAwait(false);
            }

            _limitsHeld = limits;
        }

        return request.Command switch
        {
            SocksCommand.UdpAssociate => await AssociateAsync(request, policyRequest).ConfigureAwait(false),
            SocksCommand.Bind => await BindAsync(request, policyRequest, verdict).ConfigureAwait(false),
            _ => await ConnectAsync(request, policyRequest, verdict).ConfigureAwait(false),
        };
    }

    private async Task<string?> ConnectAsync(SocksRequest request, PolicyRequest policyRequest, RequestVerdict verdict)
    {
        _state = "dialing";
        var connectTimeout = _policy.Policy.Limits.ConnectTimeout ?? _services.Options.ConnectTimeout;
        await ThreadPoolHop.ToPool();
        var dial = await _services.Dialer.DialAsync(_policy.Policy, policyRequest, verdict, request.Destination, connectTimeout, _kill.Token).ConfigureAwait(false);
        _resolved = dial.Resolved;
        _decision = dial.Decision ?? _decision;
        _route = dial.Route;
        if (dial.Upstream is not { } upstream)
        {
            return await ReplyAsync(_kill.IsCancellationRequested ? Socks5Reply.GeneralFailure : dial.Reply, dial.UpstreamFailed ? "upstream-failed" : null).ConfigureAwait(false);
        }

        _upstream = upstream;
        _reply = Socks5Reply.Succeeded;
        _services.Metrics.RelayStarted(_counters);
        _state = "relaying";
        if (!await SocksReplies.SendAsync(_client, request.Version, Socks5Reply.Succeeded, dial.Bound ?? (IPEndPoint)upstream.LocalEndPoint!, _kill.Token).ConfigureAwait(false))
        {
            return KebabNames<RelayOutcome>.Of(RelayOutcome.ClientError);
        }

        return null;
    }

    private async Task<string?> BindAsync(SocksRequest request, PolicyRequest policyRequest, RequestVerdict verdict)
    {
        _state = "binding";
        var bind = await BindSession.AcceptAsync(
                _client,
                request.Version,
                ListenerAddress,
                _services.AdvertisedAddress ?? ListenerAddress,
                request.Destination,
                _policy.Policy,
                policyRequest,
                verdict,
                _services.Dialer.Resolver,
                _services.Metrics,
                _services.Options.BindTimeout,
                _kill.Token)
            .ConfigureAwait(false);
        _decision = bind.Decision ?? _decision;
        _resolved = bind.PeerEndPoint?.Address;
        _reply = bind.Reply;
        if (bind.Peer is not { } peer)
        {
            _graceful = true;
            return bind.Outcome;
        }

        _upstream = peer;
        _services.Metrics.BindSessionOpened();
        _services.Metrics.RelayStarted(_counters);
        _state = "relaying";
        return null;
    }

    private async Task<string> AssociateAsync(SocksRequest request, PolicyRequest policyRequest)
    {
        try
        {
            _udp = UdpAssociation.Open(ListenerAddress, _services.UdpPorts, ClientAddress, request.Destination, _policy.Policy, policyRequest, _services.Metrics, _services.Dialer.Resolver);
        }
        catch (SocketException)
        {
            return await ReplyAsync(Socks5Reply.GeneralFailure, "udp-bind-failed").ConfigureAwait(false);
        }

        _reply = Socks5Reply.Succeeded;
        _state = "udp-relaying";

        // Announce the address the client reached (or the configured NAT address), never a wildcard.
        var announced = new IPEndPoint(_services.AdvertisedAddress ?? ListenerAddress, _udp.LocalEndPoint.Port);
        if (!await SocksReplies.SendAsync(_client, request.Version, Socks5Reply.Succeeded, announced, _kill.Token).ConfigureAwait(false))
        {
            return KebabNames<RelayOutcome>.Of(RelayOutcome.ClientError);
        }

        var outcome = await _udp.RunAsync(_client, RelaySettings, _kill.Token).ConfigureAwait(false);
        _graceful = outcome == RelayOutcome.Completed;
        return KebabNames<RelayOutcome>.Of(outcome);
    }

    private async Task<string> ReplyAsync(Socks5Reply reply, string? outcome = null)
    {
        _reply = reply;
        _graceful = true;
        _state = "replying";
        await SocksReplies.SendAsync(_client, _version ?? SocksVersion.Socks5, reply, null, _kill.Token).ConfigureAwait(false);
        return outcome ?? OutcomeOf(reply);
    }

    private void Finish(string outcome, string kind = "session", string? rule = null)
    {
        var evictedFor = _ticket.EvictedFor;
        if (evictedFor is not null)
        {
            outcome = EvictionReason.Outcome;
        }

        var destination = _request?.Destination;
        var duration = _services.Time.GetElapsedTime(_startedAt);
        _services.Metrics.SessionEnded(_version, _request, outcome, duration, _counters);
        if (_decision is { } requestDecision)
        {
            _services.Metrics.PolicyDecided("request", requestDecision.Rule, requestDecision.Action);
        }

        if (RefusalRecords.IsRefusal(kind, _reply == Socks5Reply.Succeeded, outcome) && !_services.Refusals.TryRecord(ClientAddress, _localEndPoint.ToString()))
        {
            // A refused client over its source's records per second: counted, and told in the summary.
            _services.Metrics.RefusalRecordSuppressed();
            Context.Stop(Self);
            return;
        }

        _services.Log.Write(new SessionRecord
        {
            Time = _services.Time.GetUtcNow(),
            Kind = kind,
            Session = _id,
            Node = _services.Log.NodeName,
            Listener = _localEndPoint.ToString(),
            Client = _clientEndPoint.ToString(),
            User = _user,
            Version = _version is { } version ? (int)version : null,
            Command = _request is { } request ? KebabNames<SocksCommand>.Of(request.Command) : null,
            Destination = destination?.ToString(),
            Resolved = _resolved?.ToString() ?? destination?.Address?.ToString(),
            Rule = rule ?? _limitRule ?? (_decision is { } decision ? decision.Rule?.Id ?? "default" : null),
            Route = _route,
            Decision = _decision is { } d ? (d.Action == PolicyAction.Pass ? "pass" : "block") : null,
            Reason = evictedFor ?? (_refusedFor is { } reason ? KebabNames<VerdictReason>.Of(reason) : null),
            Reply = _reply is { } reply ? KebabNames<Socks5Reply>.Of(reply) : null,
            Outcome = outcome,
            BytesUp = _udp?.Counters.BytesUp ?? _counters.BytesUp,
            BytesDown = _udp?.Counters.BytesDown ?? _counters.BytesDown,
            DurationMs = duration.TotalMilliseconds,
            Udp = _udp is { Counters: var udp } ? new UdpTotals(udp.DatagramsUp, udp.DatagramsDown, udp.DroppedTotal) : null,
        });
        LogForRule(outcome, destination);
        Context.Stop(Self);
    }

    /// <summary>A rule with a log level also puts a readable line in the diagnostics log.</summary>
    private void LogForRule(string outcome, SocksDestination? destination)
    {
        if (_decision?.Rule is not { Log: not PolicyLogLevel.None } rule)
        {
            return;
        }

        var level = rule.Log switch
        {
            PolicyLogLevel.Debug => LogLevel.DebugLevel,
            PolicyLogLevel.Warning => LogLevel.WarningLevel,
            _ => LogLevel.InfoLevel,
        };
        Context.GetLogger().Log(level, $"rule {rule.Id}: {_clientEndPoint} user {_user ?? "-"} to {destination} {outcome}");
    }

    private SessionInfo Info() => new(
        _id,
        _services.Log.NodeName,
        _clientEndPoint.ToString(),
        _user,
        _request?.Destination.ToString(),
        _resolved?.ToString(),
        _state,
        _udp?.Counters.BytesUp ?? _counters.BytesUp,
        _udp?.Counters.BytesDown ?? _counters.BytesDown,
        Math.Round(_services.Time.GetElapsedTime(_startedAt).TotalSeconds, 3));

    private static string OutcomeOf(Socks5Reply reply) => reply switch
    {
        Socks5Reply.ConnectionNotAllowed => "refused",
        Socks5Reply.CommandNotSupported => "unsupported-command",
        _ => "connect-failed",
    };
}
