using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Farm.Node.Dialing;
using Farm.Node.Handshake;
using Farm.Node.Logging;
using Farm.Node.Policy;
using Farm.Node.Relaying;
using Farm.Shared.Policy;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Sessions;

/// <summary>
/// The control plane of one client connection. Its behaviours are the legal steps:
/// handshake, decision, dial, reply, relay; each step's I/O runs outside the mailbox and
/// only its result comes back as a message. Bytes never pass through here.
/// </summary>
public sealed class ConnectionActor : ReceiveActor
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

    public static Props Props(Socket client, long id, SessionServices services) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(client, id, services));

    private IPAddress ClientAddress => Normalize(_clientEndPoint.Address);

    private IPAddress ListenerAddress => Normalize(_localEndPoint.Address);

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
        SocksHandshake.RunAsync(_client, _policy.Policy, ClientAddress, ListenerAddress, _services.Options.HandshakeTimeout, _kill.Token)
            .PipeTo(Self, success: result => new HandshakeCompleted(result));
    }

    protected override void PostStop()
    {
        _kill.Dispose();
        SocketTeardown.Close(_upstream, _graceful);
        SocketTeardown.Close(_client, _graceful);
    }

    private void Handshaking()
    {
        Receive<HandshakeCompleted>(message => Decide(message.Result));
        ReceiveCommon();
    }

    private void Dialing()
    {
        Receive<DialCompleted>(message => Connected(message.Result));
        ReceiveCommon();
    }

    private void Replying()
    {
        Receive<ReplySent>(_ => Finish(OutcomeOf(_reply!.Value)));
        ReceiveCommon();
    }

    private void Relaying()
    {
        Receive<RelayCompleted>(message =>
        {
            _graceful = message.Result.Graceful;
            Finish(KebabNames<RelayOutcome>.Of(message.Result.Outcome));
        });
        ReceiveCommon();
    }

    private void ReceiveCommon()
    {
        Receive<KillSession>(_ => _kill.Cancel());
        Receive<Status.Failure>(failure =>
        {
            Context.GetLogger().Error(failure.Cause, "session {0} failed", _id);
            Finish("internal-error");
        });
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
        if (request.Command != SocksCommand.Connect)
        {
            Reply(Socks5Reply.CommandNotSupported);
            return;
        }

        var policyRequest = new PolicyRequest(
            request.Command,
            ClientAddress,
            ListenerAddress,
            request.Destination.Host,
            request.Destination.Address is { } address ? Normalize(address) : null,
            request.Destination.Port,
            request.Auth,
            request.User);
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

        Become(Dialing);
        _services.Dialer.DialAsync(_policy.Policy, policyRequest, request.Destination, _kill.Token)
            .PipeTo(Self, success: dial => new DialCompleted(dial));
    }

    private void Connected(DialResult dial)
    {
        _resolved = dial.Resolved;
        _decision = dial.Decision ?? _decision;
        if (dial.Upstream is not { } upstream)
        {
            Reply(_kill.IsCancellationRequested ? Socks5Reply.GeneralFailure : dial.Reply);
            return;
        }

        _upstream = upstream;
        _reply = Socks5Reply.Succeeded;
        _services.Metrics.RelayStarted(_counters);
        Become(Relaying);
        ReplyAndRelayAsync(upstream, _request!).PipeTo(Self, success: result => new RelayCompleted(result));
    }

    private async Task<RelayResult> ReplyAndRelayAsync(Socket upstream, SocksRequest request)
    {
        var bound = (IPEndPoint)upstream.LocalEndPoint!;
        if (!await SocksReplies.SendAsync(_client, request.Version, Socks5Reply.Succeeded, bound, _kill.Token).ConfigureAwait(false))
        {
            return new RelayResult(RelayOutcome.ClientError, 0, 0);
        }

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

        return await Relay.RunAsync(_client, upstream, _services.Relay, _counters, _kill.Token).ConfigureAwait(false);
    }

    private void Reply(Socks5Reply reply)
    {
        _reply = reply;
        _graceful = true;
        Become(Replying);
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
            Rule = rule ?? (_decision is { } decision ? decision.Rule?.Id ?? "default" : null),
            Decision = _decision is { } d ? (d.Action == PolicyAction.Pass ? "pass" : "block") : null,
            Reply = _reply is { } reply ? KebabNames<Socks5Reply>.Of(reply) : null,
            Outcome = outcome,
            BytesUp = _counters.BytesUp,
            BytesDown = _counters.BytesDown,
            DurationMs = duration.TotalMilliseconds,
        });
        Context.Stop(Self);
    }

    private static string OutcomeOf(Socks5Reply reply) => reply switch
    {
        Socks5Reply.ConnectionNotAllowed => "refused",
        Socks5Reply.CommandNotSupported => "unsupported-command",
        _ => "connect-failed",
    };

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

}
