using System.Net;
using Farm.Shared.Cluster.Tls;

namespace Farm.Shared.Discovery.Signing;

/// <summary>
/// This member's side of advertisement signing: it signs its own entry with its member key, and reads only
/// entries the member they are stored under signed with a certificate from the farm's CA that names every
/// address they advertise (<see cref="AdvertisementSignature"/>). Off with cluster TLS off, and on a node
/// without seeds, whose private CA vouches for no address and which no other member can join.
/// </summary>
public sealed class AdvertisementTrust(ClusterTlsMaterial? material)
{
    private readonly IReadOnlyList<string> _hosts = material is null ? [] : CertificateHosts.Of(material.Certificate);

    public static AdvertisementTrust Off { get; } = new(null);

    /// <summary>Whether entries are signed and checked.</summary>
    public bool Enabled => material is not null;

    /// <summary>
    /// <paramref name="advertisement"/> without the addresses this member's certificate does not name (they are
    /// in <paramref name="dropped"/>): readers would refuse the whole entry for one of them.
    /// </summary>
    public NodeAdvertisement Publishable(NodeAdvertisement advertisement, out IReadOnlyList<IPEndPoint> dropped)
    {
        dropped = material is null ? [] : AdvertisementSignature.Unnamed(advertisement, _hosts);
        if (dropped.Count == 0)
        {
            return advertisement;
        }

        var unnamed = dropped;
        return advertisement with
        {
            Socks = [.. advertisement.Socks.Where(endpoint => !unnamed.Contains(endpoint))],
            Metrics = advertisement.Metrics is { } metrics && unnamed.Contains(metrics) ? null : advertisement.Metrics,
        };
    }

    /// <summary>The entry for map key <paramref name="entryKey"/> signed with this member's key, or unchanged when signing is off.</summary>
    public NodeAdvertisement Sign(NodeAdvertisement advertisement, string entryKey) =>
        material is null ? advertisement : AdvertisementSignature.Sign(advertisement, entryKey, material.Certificate);

    /// <summary>Why the entry under <paramref name="entryKey"/> must not be used, or null (always null when off).</summary>
    public AdvertisementProblem? Problem(NodeAdvertisement advertisement, string entryKey) =>
        material is null ? null : AdvertisementSignature.Problem(advertisement, entryKey, material.Authority);
}
