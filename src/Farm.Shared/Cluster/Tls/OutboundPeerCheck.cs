using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Checks a peer's address with <see cref="PeerCertificateProbe"/> before Akka dials it, logs a refused
/// address once (Akka retries it every few seconds) and counts every refusal in
/// <c>farm_cluster_peers_refused_total</c>.
/// </summary>
public sealed partial class OutboundPeerCheck
{
    public const string MeterName = "Farm.Cluster";

    /// <summary>How many refused addresses are remembered (for logging each once) before the memory starts over.</summary>
    public const int RefusedAddressesCap = 256;

    private readonly PeerCertificateProbe _probe;
    private readonly ILogger<OutboundPeerCheck> _log;
    private readonly Counter<long>? _refused;
    private readonly ConcurrentDictionary<string, string> _refusedAddresses = new(StringComparer.Ordinal);

    public OutboundPeerCheck(PeerCertificateProbe probe, ILogger<OutboundPeerCheck> log, IMeterFactory? meters)
    {
        _probe = probe;
        _log = log;
        _refused = meters?.Create(MeterName).CreateCounter<long>("farm.cluster.peers.refused", "{dial}", "Dials to a member's remoting address refused before Akka's handshake: the listener there showed no farm certificate.");
    }

    public async Task<PeerProbeResult> CheckAsync(string host, int port, CancellationToken cancellation)
    {
        var result = await _probe.ProbeAsync(host, port, cancellation);
        var address = $"{host}:{port}";
        if (result.Passed)
        {
            if (_refusedAddresses.TryRemove(address, out _))
            {
                LogPassesAgain(_log, address);
            }
        }
        else if (!result.Unreachable)
        {
            _refused?.Add(1);
            // Addresses come from whoever joins: a bounded memory of them, at worst logging one again.
            if (_refusedAddresses.Count >= RefusedAddressesCap && !_refusedAddresses.ContainsKey(address))
            {
                _refusedAddresses.Clear();
            }

            if (_refusedAddresses.TryGetValue(address, out var known) ? known != result.Refusal : _refusedAddresses.TryAdd(address, result.Refusal!))
            {
                _refusedAddresses[address] = result.Refusal!;
                LogRefused(_log, address, result.Refusal!);
            }
        }

        return result;
    }

    [LoggerMessage(7301, LogLevel.Warning, "cluster TLS: not dialing {Address}: {Reason}; the association fails and Akka retries (logged again only when the reason changes)")]
    private static partial void LogRefused(ILogger logger, string address, string reason);

    [LoggerMessage(7302, LogLevel.Information, "cluster TLS: {Address} shows a farm certificate again")]
    private static partial void LogPassesAgain(ILogger logger, string address);
}
