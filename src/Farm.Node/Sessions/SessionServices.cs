using Farm.Node.Dialing;
using Farm.Node.Logging;
using Farm.Node.Options;
using Farm.Node.Policy;
using Farm.Node.Relaying;
using Farm.Node.Telemetry;

namespace Farm.Node.Sessions;

/// <summary>What every connection actor on a node shares; built once at start.</summary>
public sealed record SessionServices(
    PolicyHolder Policy,
    SocksOptions Options,
    RelaySettings Relay,
    Dialer Dialer,
    SessionLog Log,
    NodeMetrics Metrics,
    TimeProvider Time);
