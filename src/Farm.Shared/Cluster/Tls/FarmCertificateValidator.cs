using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Farm.Shared.Cluster.Tls;

/// <summary>
/// Accepts a peer's certificate only when it chains to the farm's CA, whichever side dialed. The
/// system trust store plays no part: a certificate from a public CA is as foreign as a self-made one.
/// Host names are not checked here: the address a peer claims is checked against its certificate by
/// <see cref="PeerCertificateProbe"/> (dialing) and <see cref="ClaimCheckingHandle"/> (dialed).
/// </summary>
public static class FarmCertificateValidator
{
    /// <param name="presented">Where the certificate of each accepted inbound connection is recorded for <see cref="ClaimCheckingHandle"/>.</param>
    public static CertificateValidationCallback For(X509Certificate2 authority, PresentedCertificates? presented = null) =>
        (certificate, _, peer, errors, log) =>
        {
            if (Problem(certificate, errors, authority) is { } problem)
            {
                log.Warning("cluster TLS: refused {0}: {1}", peer, problem);
                return false;
            }

            if (presented is not null && certificate is not null)
            {
                using var full = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                presented.Record(peer, full);
            }

            return true;
        };

    /// <summary>Why a peer presenting <paramref name="certificate"/> is refused, or null when it chains to <paramref name="authority"/>.</summary>
    public static string? Problem(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 authority)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "no certificate";
        }

        using var presented = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        var full = presented ?? (X509Certificate2)certificate;
        if (!ChainsTo(full, authority))
        {
            return $"certificate {full.Subject} is not from the farm's CA";
        }

        // An operator's certificate signs policy writes; it is no member's and opens no remoting connection.
        return CertificateRoles.Of(full).Overlaps(CertificateRoles.Members) ? null : $"certificate {full.Subject} names no member role (lighthouse, socks)";
    }

    /// <summary>Whether <paramref name="certificate"/> is valid now and signed by <paramref name="authority"/>.</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate)
            && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span);
    }
}
