using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// The hosts named by the certificate each inbound connection presented, by the connection's remote
/// endpoint: the TLS validation that sees the certificate knows nothing of the address the peer will
/// claim in Akka's handshake, and <see cref="ClaimCheckingHandle"/>, which reads that claim, sees no
/// certificate. An entry is taken once; ones never taken (a connection that sent nothing) are dropped
/// after <see cref="Stale"/> once there are more than <see cref="Cap"/>, and the oldest quarter with them
/// when that is not enough.
/// </summary>
public sealed class PresentedCertificates
{
    public const int Cap = 1024;

    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<IPEndPoint, (IReadOnlyList<string> Hosts, DateTime At)> _byConnection = new();

    /// <summary>Records <paramref name="certificate"/> for a connection a peer dialed; <paramref name="remotePeer"/> as Akka's TLS validation names it.</summary>
    public void Record(string remotePeer, X509Certificate2 certificate)
    {
        // An outbound connection is named by the Akka address dialed, not an endpoint: nothing to record.
        if (!IPEndPoint.TryParse(remotePeer, out var endpoint))
        {
            return;
        }

        var now = DateTime.UtcNow;
        if (_byConnection.Count >= Cap)
        {
            // Stale entries go first; if a flood of fresh silent connections still fills it, the oldest quarter
            // goes too (their connections then fail the claim check), so memory and the sweep's cost stay bounded.
            var entries = _byConnection.ToArray();
            var fresh = entries.Count(e => now - e.Value.At <= Stale);
            var drop = entries.Where(e => now - e.Value.At > Stale)
                .Concat(fresh >= Cap ? entries.Where(e => now - e.Value.At <= Stale).OrderBy(e => e.Value.At).Take(Cap / 4) : []);
            foreach (var (key, _) in drop)
            {
                _byConnection.TryRemove(key, out _);
            }
        }

        _byConnection[Normal(endpoint)] = (CertificateHosts.Of(certificate), now);
    }

    /// <summary>The hosts the certificate on the inbound connection from <paramref name="connection"/> names; null when none was recorded.</summary>
    public IReadOnlyList<string>? Take(Address connection) =>
        connection.Host is { } host && connection.Port is { } port && IPAddress.TryParse(host.Trim('[', ']'), out var address)
            && _byConnection.TryRemove(Normal(new IPEndPoint(address, port)), out var entry)
            ? entry.Hosts
            : null;

    public int Count => _byConnection.Count;

    private static IPEndPoint Normal(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;
}
