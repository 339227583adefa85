using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// The addresses a member certificate is issued for: its DNS and IP subject alternative names. A member
/// may advertise only a host its certificate names, so a certificate cannot claim another member's address.
/// </summary>
public static class CertificateHosts
{
    /// <summary>Whether <paramref name="certificate"/> names <paramref name="host"/> (an IP address, or a DNS name, case-insensitive).</summary>
    public static bool Names(X509Certificate2 certificate, string host) => Names(Of(certificate), host);

    /// <summary>Whether <paramref name="hosts"/> (from <see cref="Of"/>) holds <paramref name="host"/>.</summary>
    public static bool Names(IReadOnlyCollection<string> hosts, string host)
    {
        var bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var address)
            ? hosts.Any(h => IPAddress.TryParse(h, out var named) && Normal(named).Equals(Normal(address)))
            : hosts.Any(h => string.Equals(h.TrimEnd('.'), bare.TrimEnd('.'), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The DNS names and IP addresses <paramref name="certificate"/> names; empty when it names none (or they cannot be read).</summary>
    public static IReadOnlyList<string> Of(X509Certificate2 certificate)
    {
        var hosts = new List<string>();
        try
        {
            foreach (var extension in certificate.Extensions.Where(e => e.Oid?.Value == SubjectAlternativeName))
            {
                var names = new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
                hosts.AddRange(names.EnumerateDnsNames());
                hosts.AddRange(names.EnumerateIPAddresses().Select(a => Normal(a).ToString()));
            }
        }
        catch (CryptographicException)
        {
            // A malformed name list names no host: fail closed.
            return [];
        }

        return hosts;
    }

    private const string SubjectAlternativeName = "2.5.29.17";

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
