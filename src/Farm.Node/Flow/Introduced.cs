using System.Net;
using Farm.Node.Listening;
using Farm.Node.Logging;
using Farm.Node.Proxying;
using Farm.Shared.Net;
using Farm.Shared.Policy;
using Farm.Shared.Proxy;

namespace Farm.Node.Flow;

/// <summary>
/// The client is known (the socket's peer, or the address a trusted proxy's header gives) and the
/// client rule passed it for the listener it reached. Nothing is read from a client before this.
/// </summary>
public sealed class Introduced : SessionStage
{
    private Introduced(Accepted accepted, IPEndPoint client, ClientDecision admission, byte[]? leftover)
        : base(accepted)
    {
        Accepted = accepted;
        Client = client;
        Admission = admission;
        Leftover = leftover;
    }

    public Accepted Accepted { get; }

    /// <summary>The client as decisions, limits, records and metrics know it.</summary>
    public IPEndPoint Client { get; }

    public IPAddress ClientAddress => Client.Address.Unmapped();

    public IPAddress ListenerAddress => Accepted.Listener.Address.Unmapped();

    public ClientDecision Admission { get; }

    /// <summary>Bytes that came after the PROXY header: the start of the SOCKS greeting.</summary>
    public byte[]? Leftover { get; }

    public override SessionPhase Phase => SessionPhase.Handshake;

    /// <summary>
    /// The client rule on the client and the listener it reached (the interface-of-entry check): a refused
    /// client ends here, before one SOCKS byte is answered.
    /// </summary>
    public static Advance<Introduced> Identify(Accepted accepted, IPEndPoint client, byte[]? leftover = null)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(client);
        var admission = DecisionProcedure.OnClient(accepted.Policy.Policy, client.Address, accepted.Listener.Address);
        return admission.Action == PolicyAction.Pass
            ? new Introduced(accepted, client, admission, leftover)
            : new Ended(accepted, "client-refused", client) { Kind = "client", Admission = admission, Rule = admission.Rule?.Id ?? "default" };
    }

    /// <summary>
    /// The client of a connection: the socket's peer, or on a PROXY listener the source of the header that a
    /// trusted proxy sent first (a LOCAL header, a health check, is the proxy itself). A connection from an
    /// untrusted address is closed unread; a missing, malformed or unsupported header closes it too.
    /// </summary>
    public static async ValueTask<Advance<Introduced>> IntroduceAsync(Accepted accepted, ProxyTrust? proxy, TimeSpan timeout, CancellationToken kill)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        if (proxy is null)
        {
            return Identify(accepted, accepted.Peer);
        }

        if (!proxy.Trusts(accepted.Peer.Address))
        {
            return Unintroduced(accepted, ProxyFailure.Untrusted);
        }

        var read = await ProxyHeaderReader.ReadAsync(accepted.Client, timeout, kill).ConfigureAwait(false);
        if (read.Failure is { } failure)
        {
            return Unintroduced(accepted, failure);
        }

        var client = read.Header is { Command: ProxyCommand.Proxy, Source: { } source } ? source : accepted.Peer;
        return Identify(accepted, client, read.Leftover);
    }

    private static Ended Unintroduced(Accepted accepted, ProxyFailure failure) =>
        new(accepted, "proxy-" + KebabNames<ProxyFailure>.Of(failure)) { Kind = "client" };
}
