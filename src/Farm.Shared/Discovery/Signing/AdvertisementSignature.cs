using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Farm.Shared.Cluster.Tls;

namespace Farm.Shared.Discovery.Signing;

/// <summary>
/// Signs a member's advertisement with its member key, and says why an entry of the <c>farm-nodes</c> map is
/// not to be trusted: no signature, a certificate that does not chain to the farm's CA, a signature that does
/// not match, a certificate that does not name the host of the member the entry is stored under, is not issued
/// for the advertised role, or does not name every advertised address. Pure.
/// </summary>
/// <remarks>
/// The signature covers the map key (member address and uid) with every field a reader acts on, so an entry
/// cannot be moved to another member's key, nor a field changed, without the signer's key. Loopback and
/// wildcard addresses get no exception: a certificate names them or they are refused (wildcards never are,
/// as <see cref="AdvertisedAddress"/> makes every bind concrete).
/// </remarks>
public static class AdvertisementSignature
{
    // Binds the signature to this use: a member key's signature over the same bytes elsewhere is no advertisement.
    private const string Purpose = "farm-advertisement-signature-v1\n";

    /// <summary><paramref name="advertisement"/> for map key <paramref name="entryKey"/> signed by <paramref name="signer"/> (with its private key), its certificate beside the signature.</summary>
    public static NodeAdvertisement Sign(NodeAdvertisement advertisement, string entryKey, X509Certificate2 signer)
    {
        var payload = Payload(advertisement, entryKey);
        byte[] signature;
        using (var ecdsa = signer.GetECDsaPrivateKey())
        using (var rsa = ecdsa is null ? signer.GetRSAPrivateKey() : null)
        {
            signature = ecdsa?.SignData(payload, HashAlgorithmName.SHA256)
                ?? rsa?.SignData(payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
                ?? throw new InvalidOperationException($"the certificate {signer.Subject} has no ECDSA or RSA private key to sign the advertisement with");
        }

        return advertisement with { Certificate = signer.RawData, Signature = signature };
    }

    /// <summary>The advertised addresses <paramref name="hosts"/> (from <see cref="CertificateHosts.Of"/>) do not name.</summary>
    public static IReadOnlyList<IPEndPoint> Unnamed(NodeAdvertisement advertisement, IReadOnlyCollection<string> hosts) =>
        [.. Addresses(advertisement).Where(endpoint => !CertificateHosts.Names(hosts, endpoint.Address.ToString()))];

    /// <summary>Why the entry under <paramref name="entryKey"/> must not be used, or null when a member the farm's CA vouches for signed it for itself.</summary>
    /// <param name="authority">The farm's CA.</param>
    public static AdvertisementProblem? Problem(NodeAdvertisement advertisement, string entryKey, X509Certificate2 authority)
    {
        if (advertisement.Signature.Length == 0 || advertisement.Certificate.Length == 0)
        {
            return new AdvertisementProblem(AdvertisementProblem.Unsigned, "it is not signed");
        }

        X509Certificate2 signer;
        try
        {
            signer = X509CertificateLoader.LoadCertificate(advertisement.Certificate);
        }
        catch (CryptographicException)
        {
            return new AdvertisementProblem(AdvertisementProblem.Certificate, "its certificate cannot be read");
        }

        using (signer)
        {
            if (!FarmCertificateValidator.ChainsTo(signer, authority))
            {
                return new AdvertisementProblem(AdvertisementProblem.Certificate, $"its certificate {signer.Subject} is not vouched for by the farm's CA now");
            }

            if (!Verifies(signer, advertisement, entryKey))
            {
                return new AdvertisementProblem(AdvertisementProblem.Signature, $"its signature by {signer.Subject} does not match it");
            }

            var hosts = CertificateHosts.Of(signer);
            if (MemberHost(entryKey) is not { } host || !CertificateHosts.Names(hosts, host))
            {
                return new AdvertisementProblem(AdvertisementProblem.Member, $"its certificate {signer.Subject} does not name the member it is stored under ({entryKey})");
            }

            if (!CertificateRoles.Of(signer).Contains(advertisement.Role))
            {
                return new AdvertisementProblem(AdvertisementProblem.Role, $"its certificate {signer.Subject} is not issued for the role it advertises ('{advertisement.Role}')");
            }

            var unnamed = Unnamed(advertisement, hosts);
            return unnamed.Count == 0
                ? null
                : new AdvertisementProblem(AdvertisementProblem.Address, $"it advertises {string.Join(", ", unnamed)}, which its certificate {signer.Subject} does not name");
        }
    }

    /// <summary>The host of the member address in a map key (<see cref="NodeAdvertisement.EntryKey"/>), or null when it is not one.</summary>
    private static string? MemberHost(string entryKey)
    {
        var hash = entryKey.LastIndexOf('#');
        if (hash <= 0)
        {
            return null;
        }

        try
        {
            return Akka.Actor.Address.Parse(entryKey[..hash]).Host;
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static IEnumerable<IPEndPoint> Addresses(NodeAdvertisement advertisement) =>
        advertisement.Metrics is { } metrics ? advertisement.Socks.Append(metrics) : advertisement.Socks;

    private static bool Verifies(X509Certificate2 signer, NodeAdvertisement advertisement, string entryKey)
    {
        var payload = Payload(advertisement, entryKey);
        using var ecdsa = signer.GetECDsaPublicKey();
        if (ecdsa is not null)
        {
            return ecdsa.VerifyData(payload, advertisement.Signature, HashAlgorithmName.SHA256);
        }

        using var rsa = signer.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(payload, advertisement.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }

    private static byte[] Payload(NodeAdvertisement advertisement, string entryKey)
    {
        var canonical = new StringBuilder(Purpose)
            .Append(entryKey.Length).Append(':').Append(entryKey).Append('\n')
            .Append(advertisement.Name.Length).Append(':').Append(advertisement.Name).Append('\n')
            .Append(advertisement.Role.Length).Append(':').Append(advertisement.Role).Append('\n')
            .AppendJoin(',', advertisement.Socks.Select(endpoint => endpoint.ToString())).Append('\n')
            .Append(advertisement.Metrics?.ToString() ?? "-").Append('\n')
            .Append(advertisement.Draining ? '1' : '0');
        return Encoding.UTF8.GetBytes(canonical.ToString());
    }
}
