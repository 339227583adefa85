using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Makes the farm's CA and the member certificates it signs (ECDSA P-256), as PEM text. Pure: the
/// caller writes the files. A member certificate serves both ends of a remoting connection.
/// </summary>
public static class FarmCertificateAuthority
{
    public static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(3650);

    public static readonly TimeSpan MemberLifetime = TimeSpan.FromDays(825);

    public static PemPair CreateAuthority(string farmName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={farmName} CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(AuthorityLifetime));
        return new PemPair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A certificate for <paramref name="member"/> running <paramref name="roles"/>, signed by the CA in <paramref name="authority"/>.</summary>
    public static PemPair Issue(PemPair authority, string member, IReadOnlyCollection<string> roles, IReadOnlyList<IPAddress> addresses, IReadOnlyList<string> names, DateTimeOffset now)
    {
        using var caCertificate = X509Certificate2.CreateFromPem(authority.Certificate, authority.Key);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={member}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "server auth"), new Oid("1.3.6.1.5.5.7.3.2", "client auth")], false));
        var alternative = new SubjectAlternativeNameBuilder();
        alternative.AddDnsName(member);
        foreach (var name in names)
        {
            alternative.AddDnsName(name);
        }

        foreach (var address in addresses)
        {
            alternative.AddIpAddress(address);
        }

        foreach (var role in roles)
        {
            alternative.AddUri(CertificateRoles.UriFor(role));
        }

        request.CertificateExtensions.Add(alternative.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCertificate, true, false));
        var notAfter = now.Add(MemberLifetime) < caCertificate.NotAfter ? now.Add(MemberLifetime) : new DateTimeOffset(caCertificate.NotAfter);
        using var certificate = request.Create(caCertificate, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return new PemPair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
