using Akka.Actor.Setup;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Hands the member's <see cref="OutboundPeerCheck"/> and <see cref="PresentedCertificates"/> to <see cref="PeerCheckingTransportProvider"/>,
/// which Akka creates by type name while the actor system starts. Resolving it from the services at
/// that point would deadlock: the actor system is itself still being built inside the container.
/// </summary>
public sealed class PeerCheckSetup(OutboundPeerCheck check, PresentedCertificates presented) : Setup
{
    public OutboundPeerCheck Check { get; } = check;

    /// <summary>The certificates inbound connections presented, recorded by <see cref="FarmCertificateValidator"/>.</summary>
    public PresentedCertificates Presented { get; } = presented;
}
