using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Cluster;
using Farm.Shared.Cluster.Tls;
using Farm.Shared.Discovery;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// Who owns <c>&lt;name&gt;.nodes.&lt;domain&gt;</c> when several members advertise one name (by accident, such as
/// two members on one machine with the default name, or a member taking another's). Of the claimants, those whose
/// certificate names the name (common name or DNS subject alternative name) come first, and of those the oldest
/// member of the cluster owns it; so a member that joins later cannot take a name its certificate does not carry.
/// A name only ever picks a per-name record: every member stays in the SOCKS pool. Pure.
/// </summary>
public static class NameClaims
{
    /// <summary>The entry keys (<see cref="NodeAdvertisement.EntryKey"/>) of members that claim a name another member claims too and do not own it.</summary>
    public static IReadOnlySet<string> Losers(IReadOnlyCollection<(Member Member, NodeAdvertisement Advertisement)> claims)
    {
        var losers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claimants in claims.GroupBy(claim => claim.Advertisement.Name, StringComparer.OrdinalIgnoreCase).Where(group => group.Count() > 1))
        {
            var named = claimants.Where(claim => CertificateNames(claim.Advertisement.Certificate, claimants.Key)).ToList();
            var owner = (named.Count > 0 ? named : [.. claimants]).Aggregate((a, b) => b.Member.IsOlderThan(a.Member) ? b : a);
            losers.UnionWith(claimants.Where(claim => claim != owner).Select(claim => NodeAdvertisement.EntryKey(claim.Member.UniqueAddress)));
        }

        return losers;
    }

    private static bool CertificateNames(byte[] der, string name)
    {
        if (der.Length == 0)
        {
            return false;
        }

        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return string.Equals(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), name, StringComparison.OrdinalIgnoreCase)
                || CertificateHosts.Of(certificate).Any(host => !System.Net.IPAddress.TryParse(host, out _) && string.Equals(host.TrimEnd('.'), name, StringComparison.OrdinalIgnoreCase));
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
