using Farm.Node.Logging;
using Farm.Node.Relaying;
using Farm.Node.Sessions;
using Farm.Node.Sources;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Flow;

/// <summary>The client has its success reply: from here the session relays, and nothing before this stage can.</summary>
public sealed class Established : SessionStage
{
    private Established(Connected connected)
        : base(connected) => Connected = connected;

    public Connected Connected { get; }

    public override SessionPhase Phase => Connected.Phase;

    /// <summary>Sends the success reply the connection still owes; a client gone meanwhile ends the session.</summary>
    public static async Task<Advance<Established>> ReplyAsync(Connected connected, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(connected);
        if (connected.Announce is { } announce)
        {
            var negotiated = connected.Admitted.Negotiated;
            if (!await SocksReplies.SendAsync(negotiated.Introduced.Accepted.Client, negotiated.Request.Version, Socks5Reply.Succeeded, announce, kill).ConfigureAwait(false))
            {
                return new Ended(connected, KebabNames<RelayOutcome>.Of(RelayOutcome.ClientError));
            }
        }

        return new Established(connected);
    }

    /// <summary>Relays until either side ends, the idle timeout, or <paramref name="kill"/>.</summary>
    public async Task<Ended> RelayAsync(RelaySettings settings, SourceTicket ticket, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var accepted = Connected.Admitted.Negotiated.Introduced.Accepted;
        ticket.Relaying(accepted.Counters);
        if (Connected.Udp is { } udp)
        {
            var udpOutcome = await udp.RunAsync(accepted.Client, settings, accepted.Counters, kill).ConfigureAwait(false);
            return new Ended(this, KebabNames<RelayOutcome>.Of(udpOutcome)) { Graceful = udpOutcome == RelayOutcome.Completed };
        }

        var result = await Relay.RunAsync(accepted.Client, Connected.Upstream!, Connected.Admitted.Negotiated.Request.Pending, settings, accepted.Counters, kill).ConfigureAwait(false);
        return new Ended(this, KebabNames<RelayOutcome>.Of(result.Outcome)) { Graceful = result.Graceful };
    }
}
