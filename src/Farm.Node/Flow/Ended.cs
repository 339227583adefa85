using System.Net;
using Farm.Node.Handshake;
using Farm.Node.Logging;
using Farm.Node.Sources;
using Farm.Node.Udp;
using Farm.Shared.Policy;
using Farm.Shared.Records;
using Farm.Shared.Socks;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Flow;

/// <summary>
/// How a session ended, and the stage it reached: everything its one record says. What the stages
/// reached already tell (the request, the decision, the address dialed) is taken from them; an ending
/// adds what only it knows (a refusal's reply and reason, the outcome).
/// </summary>
public sealed record Ended
{
    internal Ended(SessionStage reached, string outcome, IPEndPoint? client = null)
    {
        ArgumentNullException.ThrowIfNull(reached);
        Reached = reached;
        Outcome = outcome;
        Accepted = reached.Find<Accepted>()!;
        Client = client ?? reached.Find<Introduced>()?.Client ?? Accepted.Peer;
        Request = reached.Find<Negotiated>()?.Request;
        Version = Request?.Version;
        User = Request?.User;
        var connected = reached.Find<Connected>();
        Decision = connected?.Decision ?? reached.Find<Admitted>()?.Verdict.Decision;
        Resolved = connected?.Resolved;
        Route = connected?.Route;
        Reply = connected is null ? null : Socks5Reply.Succeeded;
    }

    public SessionStage Reached { get; }

    public Accepted Accepted { get; }

    public string Outcome { get; }

    public IPEndPoint Client { get; }

    /// <summary>"session", or "client" for a client the client rule refused.</summary>
    public string Kind { get; init; } = "session";

    /// <summary>The client rule's decision when it refused the client.</summary>
    public ClientDecision? Admission { get; init; }

    public SocksRequest? Request { get; }

    public SocksVersion? Version { get; init; }

    public string? User { get; init; }

    public RequestDecision? Decision { get; init; }

    /// <summary>The rule the record names when it is not the decision's (a client rule, a limit).</summary>
    public string? Rule { get; init; }

    public VerdictReason? RefusedFor { get; init; }

    public Socks5Reply? Reply { get; init; }

    /// <summary>The reply is still to be sent to the client (a refusal or a failed dial).</summary>
    public bool ReplyOwed { get; init; }

    public IPAddress? Resolved { get; init; }

    public string? Route { get; init; }

    /// <summary>FIN rather than RST for the sockets.</summary>
    public bool Graceful { get; init; }

    /// <summary>The UDP relay's datagram counters, when the session associated.</summary>
    public UdpCounters? UdpCounters => Reached.Find<Connected>()?.Udp?.Counters;

    public long BytesUp => UdpCounters?.BytesUp ?? Accepted.Counters.BytesUp;

    public long BytesDown => UdpCounters?.BytesDown ?? Accepted.Counters.BytesDown;

    /// <summary>A request refused or failed before relaying: the reply owed, and the outcome it makes.</summary>
    internal static Ended Refused(SessionStage reached, Socks5Reply reply, string? outcome, RequestDecision? decision) =>
        new(reached, outcome ?? OutcomeOf(reply)) { Reply = reply, ReplyOwed = true, Decision = decision, Graceful = true };

    /// <summary>The session's one record; <paramref name="evictedFor"/> overrides the outcome.</summary>
    public SessionRecord ToRecord(long session, string node, DateTimeOffset time, TimeSpan duration, string? evictedFor)
    {
        var destination = Request?.Destination;
        return new SessionRecord
        {
            Time = time,
            Kind = Kind,
            Session = session,
            Node = node,
            Listener = Accepted.Listener.ToString(),
            Client = Client.ToString(),
            User = User,
            Version = Version is { } version ? (int)version : null,
            Command = Request is { } request ? KebabNames<SocksCommand>.Of(request.Command) : null,
            Destination = destination?.ToString(),
            Resolved = Resolved?.ToString() ?? destination?.Address?.ToString(),
            Rule = Rule ?? (Decision is { } decision ? decision.Rule?.Id ?? "default" : null),
            Route = Route,
            Decision = Decision is { } d ? (d.Action == PolicyAction.Pass ? "pass" : "block") : null,
            Reason = evictedFor ?? (RefusedFor is { } reason ? KebabNames<VerdictReason>.Of(reason) : null),
            Reply = Reply is { } reply ? KebabNames<Socks5Reply>.Of(reply) : null,
            Outcome = evictedFor is null ? Outcome : EvictionReason.Outcome,
            BytesUp = BytesUp,
            BytesDown = BytesDown,
            DurationMs = duration.TotalMilliseconds,
            DatagramsUp = UdpCounters?.DatagramsUp,
            DatagramsDown = UdpCounters?.DatagramsDown,
            DatagramsDropped = UdpCounters?.DroppedTotal,
        };
    }

    /// <summary>The diagnostics line of a rule with a log level, when the decision's rule has one.</summary>
    public string? RuleLogLine(string outcome) =>
        Decision?.Rule is { Log: not PolicyLogLevel.None } rule
            ? $"rule {rule.Id}: {Client} user {User ?? "-"} to {Request?.Destination} {outcome}"
            : null;

    private static string OutcomeOf(Socks5Reply reply) => reply switch
    {
        Socks5Reply.ConnectionNotAllowed => "refused",
        Socks5Reply.CommandNotSupported => "unsupported-command",
        _ => "connect-failed",
    };
}
