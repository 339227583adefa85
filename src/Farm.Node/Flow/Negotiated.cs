using Farm.Node.Handshake;
using Farm.Node.Logging;
using Farm.Node.Sessions;
using Farm.Node.Sources;

namespace Farm.Node.Flow;

/// <summary>The SOCKS greeting and authentication are done and the client's request is complete.</summary>
public sealed class Negotiated : SessionStage
{
    private Negotiated(Introduced introduced, SocksRequest request)
        : base(introduced)
    {
        Introduced = introduced;
        Request = request;
    }

    public Introduced Introduced { get; }

    public SocksRequest Request { get; }

    public override SessionPhase Phase => SessionPhase.Handshake;

    /// <summary>Runs the handshake under the handshake deadline; a session whose place was taken meanwhile is not served.</summary>
    public static async Task<Advance<Negotiated>> NegotiateAsync(Introduced introduced, SessionServices services, SourceTicket ticket, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(introduced);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(ticket);
        var accepted = introduced.Accepted;
        var policy = accepted.Policy.Policy;
        var timeout = policy.Limits.HandshakeTimeout ?? services.Options.HandshakeTimeout;
        var handshake = await SocksHandshake.RunAsync(accepted.Client, introduced.Leftover, policy, introduced.ClientAddress, introduced.ListenerAddress, services.Passwords, services.Gssapi, timeout, kill).ConfigureAwait(false);
        if (!ticket.HandshakeDone())
        {
            // Evicted while the node was full: whatever the handshake got to, it is not served.
            return new Ended(introduced, EvictionReason.Outcome);
        }

        services.Metrics.HandshakeEnded(handshake, services.Time.GetElapsedTime(accepted.StartedAt));
        if (handshake.Request is not { } request)
        {
            return new Ended(introduced, KebabNames<HandshakeFailure>.Of(handshake.Failure)) { Version = handshake.Version, User = handshake.User };
        }

        services.Metrics.RequestStarted(request);
        return Of(introduced, request);
    }

    /// <summary>The stage for a request the handshake completed.</summary>
    internal static Negotiated Of(Introduced introduced, SocksRequest request) => new(introduced, request);
}
