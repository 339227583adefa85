using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Farm.Shared.Security;

namespace Farm.Shared.Cluster.Tls;

/// <summary>A member's certificate with its key, and the farm CA its peers must chain to.</summary>
public sealed class ClusterTlsMaterial(X509Certificate2 certificate, X509Certificate2 authority)
{
    public X509Certificate2 Certificate { get; } = certificate;

    public X509Certificate2 Authority { get; } = authority;

    /// <summary>The roles <see cref="Certificate"/> is issued for.</summary>
    public IReadOnlySet<string> Roles { get; } = CertificateRoles.Of(certificate);

    /// <summary>Reads the three PEM files named by <paramref name="options"/>; any problem names its setting.</summary>
    public static ClusterTlsMaterial Load(ClusterTlsOptions options)
    {
        var certificatePath = Required(options.Certificate, nameof(ClusterTlsOptions.Certificate));
        var keyPath = Required(options.Key, nameof(ClusterTlsOptions.Key));
        var caPath = Required(options.Ca, nameof(ClusterTlsOptions.Ca));
        if (FileOwnership.PrivateKeyProblem(keyPath, $"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Key)}") is { } exposed)
        {
            throw new ClusterTlsException(exposed);
        }

        X509Certificate2 withKey;
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

            // A key loaded from PEM is ephemeral; a PKCS#12 round trip gives one SslStream can use on every platform.
            withKey = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ClusterTlsException($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Certificate)} / {nameof(ClusterTlsOptions.Key)}: cannot use {certificatePath} with {keyPath}: {e.Message}");
        }

        X509Certificate2 authority;
        try
        {
            authority = X509CertificateLoader.LoadCertificateFromFile(caPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ClusterTlsException($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Ca)}: cannot read {caPath}: {e.Message}");
        }

        // A member whose own certificate the farm would refuse could never join: say so at start instead, with the reason.
        var now = DateTime.UtcNow;
        if (CertificateDates.Problem(withKey, now) is { } mine)
        {
            throw new ClusterTlsException($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Certificate)}: {certificatePath} {mine}");
        }

        if (CertificateDates.Problem(authority, now) is { } theirs)
        {
            throw new ClusterTlsException($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Ca)}: the CA certificate in {caPath} {theirs}");
        }

        if (!FarmCertificateValidator.ChainsTo(withKey, authority))
        {
            throw new ClusterTlsException($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Certificate)}: {certificatePath} is not signed by the CA in {caPath}");
        }

        return new ClusterTlsMaterial(withKey, authority);
    }

    private static string Required(string? path, string setting) =>
        string.IsNullOrWhiteSpace(path)
            ? throw new ClusterTlsException($"{ClusterTlsOptions.Section}:{setting} is required: cluster TLS is on; make certificates with `farmctl certs`")
            : path;
}
