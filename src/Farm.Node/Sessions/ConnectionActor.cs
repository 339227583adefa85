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
using Farm.Node.Udp;
using Farm.Shared.Admin;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Sessions;

/// <summary>
/// The control plane of one client connection. Its behaviours are the legal steps:
/// handshake, decision, dial, reply, relay; each step's I/O runs outside the mailbox and
/// only its result comes back as a message. Bytes never pass through here. An untyped actor:
/// a receive actor builds its handler tables per instance, which weighs on every idle session.
/// </summary>
public sealed class ConnectionActor : UntypedActor
{
    private readonly Socket _client;
    private readonly long _id;
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
    private Socks5Reply? _reply;
    private bool _graceful;
    private IReadOnlyList<SessionLimit> _limitsHeld = [];
    private string? _route;
    private UdpAssociation? _udp;
    private string _state = "handshake";
    private string? _limitRule;

    public ConnectionActor(Socket client, long id, SessionServices services)
    {
        _client = client;
        _id = id;
        _services = services;
        _startedAt = services.Time.GetTimestamp();
        _clientEndPoint = (IPEndPoint)client.RemoteEndPoint!;
        _localEndPoint = (IPEndPoint)client.LocalEndPoint!;
    }

    public static string NameOf(long id) => $"c-{id}";

    /// <summary>
    /// Built through a producer rather than an expression: an expression-based Props is compiled per
    /// call, which at thousands of connections a second made the sessions supervisor the bottleneck.
    /// </summary>
    public static Props Props(Socket client, long id, SessionServices services) =>
        Akka.Actor.Props.CreateBy(new ConnectionActorProducer(client, id, services));

    private IPAddress ClientAddress => _clientEndPoint.Address.Unmapped();

    private IPAddress ListenerAddress => _localEndPoint.Address.Unmapped();

    /// <summary>The node's relay settings, with the policy's idle timeout when it sets one.</summary>
    private RelaySettings RelaySettings =>
        _policy.Policy.Limits.IdleTimeout is { } idle ? _services.Relay with { IdleTimeout = idle } : _services.Relay;

    protected override void PreStart()
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

        Become(Handshaking);
        var timeout = _policy.Policy.Limits.HandshakeTimeout ?? _services.Options.HandshakeTimeout;
        SocksHandshake.RunAsync(_client, _policy.Policy, ClientAddress, ListenerAddress, timeout, _kill.Token)
            .PipeTo(Self, success: result => new HandshakeCompleted(result));
    }

    protected override void PostStop()
    {
        _services.Limiter.Release(_limitsHeld);
        _udp?.Dispose();
        _kill.Dispose();
        SocketTeardown.Close(_upstream, _graceful);
        SocketTeardown.Close(_client, _graceful);
    }

    protected override void OnReceive(object message) => Common(message);

    private void Handshaking(object message)
    {
        if (message is HandshakeCompleted handshake)
        {
            Decide(handshake.Result);
            return;
        }

        Common(message);
    }

    private void Dialing(object message)
    {
        if (message is DialCompleted dial)
        {
            Connected(dial.Result);
            return;
        }

        Common(message);
    }

    private void Binding(object message)
    {
        if (message is BindCompleted bind)
        {
            Bound(bind.Result);
            return;
        }

        Common(message);
    }

    private void Replying(object message, string outcome)
    {
        if (message is ReplySent)
        {
            Finish(outcome);
            return;
        }

        Common(message);
    }

    private void Relaying(object message)
    {
        if (message is RelayCompleted relay)
        {
            _graceful = relay.Result.Graceful;
            Finish(KebabNames<RelayOutcome>.Of(relay.Result.Outcome));
            return;
        }

        Common(message);
    }

    private void Common(object message)
    {
        switch (message)
        {
            case KillSession:
                _kill.Cancel();
                break;
            case GetSessionInfo:
                Sender.Tell(Info());
                break;
            case Status.Failure failure:
                Context.GetLogger().Error(failure.Cause, "session {0} failed", _id);
                Finish("internal-error");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Decide(HandshakeResult result)
    {
        _version = result.Version;
        _user = result.User;
        _services.Metrics.HandshakeEnded(result, _services.Time.GetElapsedTime(_startedAt));
        if (result.Request is not { } request)
        {
            Finish(KebabNames<HandshakeFailure>.Of(result.Failure));
            return;
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
        if (request.Command == SocksCommand.UdpAssociate)
        {
            // DST in an ASSOCIATE is the client's own UDP source, not a destination: every datagram is decided instead.
            StartUdp(request, policyRequest);
            return;
        }

        var decision = _policy.Policy.Decide(policyRequest);

        // A name is checked again on every resolved address; on the name alone only an explicit
        // block rule refuses, so address rules still get their say after resolution.
        var refused = request.Destination.IsHost
            ? decision.Action == PolicyAction.Block && decision.Rule is not null
            : decision.Action == PolicyAction.Block;
        if (refused)
        {
            _decision = decision;
            Reply(Socks5Reply.ConnectionNotAllowed);
            return;
        }

        var limits = _policy.Policy.SessionLimitsFor(ClientAddress, request.User);
        if (limits.Count > 0)
        {
            if (!_services.Limiter.TryAcquire(limits, out var exceeded))
            {
                _decision = decision;
                _limitRule = $"limit line {exceeded!.Line}";
                Reply(Socks5Reply.ConnectionNotAllowed, "session-limit");
                return;
            }

            _limitsHeld = limits;
        }

        if (request.Command == SocksCommand.Bind)
        {
            StartBind(request, policyRequest);
            return;
        }

        _state = "dialing";
        Become(Dialing);
        var connectTimeout = _policy.Policy.Limits.ConnectTimeout ?? _services.Options.ConnectTimeout;
        _services.Dialer.DialAsync(_policy.Policy, policyRequest, request.Destination, connectTimeout, _kill.Token)
            .PipeTo(Self, success: dial => new DialCompleted(dial));
    }

    private void StartBind(SocksRequest request, PolicyRequest policyRequest)
    {
        _state = "binding";
        Become(Binding);
        BindSession.AcceptAsync(
                _client,
                request.Version,
                ListenerAddress,
                _services.AdvertisedAddress ?? ListenerAddress,
                request.Destination,
                _policy.Policy,
                policyRequest,
                _services.Options.BindTimeout,
                _kill.Token)
            .PipeTo(Self, success: result => new BindCompleted(result));
    }

    private void Bound(BindResult bind)
    {
        _decision = bind.Decision ?? _decision;
        _resolved = bind.PeerEndPoint?.Address;
        _reply = bind.Reply;
        if (bind.Peer is not { } peer)
        {
            _graceful = true;
            Finish(bind.Outcome);
            return;
        }

        _upstream = peer;
        _services.Metrics.BindSessionOpened();
        _services.Metrics.RelayStarted(_counters);
        _state = "relaying";
        Become(Relaying);
        RelayWithPendingAsync(peer, _request!).PipeTo(Self, success: result => new RelayCompleted(result));
    }

    private void StartUdp(SocksRequest request, PolicyRequest policyRequest)
    {
        try
        {
            _udp = UdpAssociation.Open(ListenerAddress, _services.UdpPorts, ClientAddress, request.Destination, _policy.Policy, policyRequest, _services.Metrics);
        }
        catch (SocketException)
        {
            Reply(Socks5Reply.GeneralFailure, "udp-bind-failed");
            return;
        }

        _reply = Socks5Reply.Succeeded;
        _state = "udp-relaying";
        Become(Relaying);
        AssociateAsync(_udp, request.Version).PipeTo(Self, success: result => new RelayCompleted(result));
    }

    private async Task<RelayResult> AssociateAsync(UdpAssociation association, SocksVersion version)
    {
        // Announce the address the client reached (or the configured NAT address), never a wildcard.
        var announced = new IPEndPoint(_services.AdvertisedAddress ?? ListenerAddress, association.LocalEndPoint.Port);
        if (!await SocksReplies.SendAsync(_client, version, Socks5Reply.Succeeded, announced, _kill.Token).ConfigureAwait(false))
        {
            return new RelayResult(RelayOutcome.ClientError, 0, 0);
        }

        var outcome = await association.RunAsync(_client, RelaySettings, _kill.Token).ConfigureAwait(false);
        return new RelayResult(outcome, association.Counters.BytesUp, association.Counters.BytesDown);
    }

    private void Connected(DialResult dial)
    {
        _resolved = dial.Resolved;
        _decision = dial.Decision ?? _decision;
        _route = dial.Route;
        if (dial.Upstream is not { } upstream)
        {
            Reply(_kill.IsCancellationRequested ? Socks5Reply.GeneralFailure : dial.Reply, dial.UpstreamFailed ? "upstream-failed" : null);
            return;
        }

        _upstream = upstream;
        _reply = Socks5Reply.Succeeded;
        _services.Metrics.RelayStarted(_counters);
        _state = "relaying";
        Become(Relaying);
        ReplyAndRelayAsync(upstream, dial.Bound ?? (IPEndPoint)upstream.LocalEndPoint!, _request!).PipeTo(Self, success: result => new RelayCompleted(result));
    }

    private async Task<RelayResult> ReplyAndRelayAsync(Socket upstream, IPEndPoint bound, SocksRequest request)
    {
        if (!await SocksReplies.SendAsync(_client, request.Version, Socks5Reply.Succeeded, bound, _kill.Token).ConfigureAwait(false))
        {
            return new RelayResult(RelayOutcome.ClientError, 0, 0);
        }

        return await RelayWithPendingAsync(upstream, request).ConfigureAwait(false);
    }

    private async Task<RelayResult> RelayWithPendingAsync(Socket upstream, SocksRequest request)
    {
        if (request.Pending is { } pending)
        {
            try
            {
                await upstream.SendAsync(pending, SocketFlags.None, _kill.Token).ConfigureAwait(false);
                _counters.AddUp(pending.Length);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return new RelayResult(RelayOutcome.UpstreamError, 0, 0);
            }
        }

        return await Relay.RunAsync(_client, upstream, RelaySettings, _counters, _kill.Token).ConfigureAwait(false);
    }

    private void Reply(Socks5Reply reply, string? outcome = null)
    {
        _reply = reply;
        _graceful = true;
        _state = "replying";
        var ending = outcome ?? OutcomeOf(reply);
        Become(message => Replying(message, ending));
        SocksReplies.SendAsync(_client, _version ?? SocksVersion.Socks5, reply, null, _kill.Token)
            .PipeTo(Self, success: delivered => new ReplySent(delivered));
    }

    private void Finish(string outcome, string kind = "session", string? rule = null)
    {
        var destination = _request?.Destination;
        var duration = _services.Time.GetElapsedTime(_startedAt);
        _services.Metrics.SessionEnded(_version, _request, outcome, duration, _counters);
        if (_decision is { } requestDecision)
        {
            _services.Metrics.PolicyDecided("request", requestDecision.Rule, requestDecision.Action);
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
