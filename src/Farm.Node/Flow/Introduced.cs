using System.Net;
using Farm.Shared.Net;
using Farm.Shared.Policy;

namespace Farm.Node.Flow;

/// <summary>
/// The client is known (the socket's peer, or the address a trusted proxy's header gives) and the
/// client rule passed it for the listener it reached. Nothing is read from a client before this.
/// </summary>
public sealed class Introduced : SessionStage
{
    private Introduced(Accepted accepted, IPEndPoint client, ClientDecision admission)
        : base(accepted)
    {
        Accepted = accepted;
        Client = client;
        Admission = admission;
    }

    public Accepted Accepted { get; }

    /// <summary>The client as decisions, limits, records and metrics know it.</summary>
    public IPEndPoint Client { get; }

    public IPAddress ClientAddress => Client.Address.Unmapped();

    public IPAddress ListenerAddress => Accepted.Listener.Address.Unmapped();

    public ClientDecision Admission { get; }

    public override SessionPhase Phase => SessionPhase.Handshake;

    /// <summary>
    /// The client rule on the client and the listener it reached (the interface-of-entry check): a refused
    /// client ends here, before one SOCKS byte is answered.
    /// </summary>
    public static Advance<Introduced> Identify(Accepted accepted, IPEndPoint client)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(client);
        var admission = accepted.Policy.Policy.DecideClient(client.Address.Unmapped(), accepted.Listener.Address.Unmapped());
        return admission.Action == PolicyAction.Pass
            ? new Introduced(accepted, client, admission)
            : new Ended(accepted, "client-refused", client) { Kind = "client", Admission = admission, Rule = admission.Rule?.Id };
    }
}
