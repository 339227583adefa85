using System.Net;
using Farm.Node.Authentication;
using Farm.Node.Dialing;
using Farm.Node.Listening;
using Farm.Node.Logging;
using Farm.Node.Options;
using Farm.Node.Policy;
using Farm.Node.Relaying;
using Farm.Node.Sources;
using Farm.Node.Telemetry;
using Farm.Node.Udp;

namespace Farm.Node.Sessions;

/// <summary>What every connection actor on a node shares; built once at start.</summary>
public sealed record SessionServices(
    PolicyHolder Policy,
    SocksOptions Options,
    RelaySettings Relay,
    Dialer Dialer,
    SessionLog Log,
    SessionLimiter Limiter,
    NodeMetrics Metrics,
    TimeProvider Time,
    SessionCapsInForce Caps,
    PasswordVerifier Passwords,
    GssapiAcceptor? Gssapi,
    SourceConnections Sources,
    RefusalRecords Refusals)
{
    /// <summary>Announced in BIND and UDP replies instead of the local address, for clients behind NAT.</summary>
    public IPAddress? AdvertisedAddress { get; } = Options.AdvertisedAddress is { Length: > 0 } text ? IPAddress.Parse(text) : null;

    public UdpPortRange UdpPorts { get; } = UdpPortRange.Parse(Options.UdpPortRange);

    public OpenSessionCount Open { get; } = new();

    /// <summary>Accepted sockets on their way to the sessions supervisor; it gives each place back.</summary>
    public AcceptPlaces AcceptPlaces { get; } = new();
}
