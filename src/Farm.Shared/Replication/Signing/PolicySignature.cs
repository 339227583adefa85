using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Farm.Shared.Cluster.Tls;

namespace Farm.Shared.Replication.Signing;

/// <summary>
/// Signs a policy version with its writer's member key, and says why a version is not to be trusted: no
/// signature, a signer certificate that does not chain to the farm's CA or is not issued for a role that
/// may write the policy, or a signature that does not match the version. Pure.
/// </summary>
/// <remarks>
/// The signature covers <see cref="PolicyEnvelope.Digest"/>, which covers every field a member acts on
/// (text, version, writer, nonce, ancestors...), so no field can be changed without the signer's key.
/// </remarks>
public static class PolicySignature
{
    /// <summary>The role whose members host the policy arbiter, the farm's only policy writer.</summary>
    public const string WriterRole = "lighthouse";

    // Binds the signature to this use: a member key's signature over the same bytes elsewhere is no policy signature.
    private const string Purpose = "farm-policy-signature-v1\n";

    /// <summary><paramref name="envelope"/> signed by <paramref name="signer"/> (a certificate with its private key), its certificate beside the signature.</summary>
    public static PolicyEnvelope Sign(PolicyEnvelope envelope, X509Certificate2 signer)
    {
        var payload = Payload(envelope);
        byte[] signature;
        using (var ecdsa = signer.GetECDsaPrivateKey())
        using (var rsa = ecdsa is null ? signer.GetRSAPrivateKey() : null)
        {
            signature = ecdsa?.SignData(payload, HashAlgorithmName.SHA256)
                ?? rsa?.SignData(payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
                ?? throw new InvalidOperationException($"the certificate {signer.Subject} has no ECDSA or RSA private key to sign the policy with");
        }

        return envelope with { SignerCertificate = signer.RawData, Signature = signature };
    }

    /// <summary>Why <paramref name="envelope"/> must not be enforced, or null when a writer the farm's CA vouches for signed it.</summary>
    /// <param name="authority">The farm's CA.</param>
    /// <param name="mayWrite">Whether a certificate that chains to the CA may sign the policy (its role).</param>
    public static string? Problem(PolicyEnvelope envelope, X509Certificate2 authority, Func<X509Certificate2, bool> mayWrite)
    {
        if (envelope.Signature.Length == 0 || envelope.SignerCertificate.Length == 0)
        {
            return "it is not signed";
        }

        X509Certificate2 signer;
        try
        {
            signer = X509CertificateLoader.LoadCertificate(envelope.SignerCertificate);
        }
        catch (CryptographicException)
        {
            return "its signer certificate cannot be read";
        }

        using (signer)
        {
            if (!FarmCertificateValidator.ChainsTo(signer, authority))
            {
                return $"its signer {signer.Subject} is not vouched for by the farm's CA now";
            }

            if (!mayWrite(signer))
            {
                return $"its signer {signer.Subject} is not issued for role '{WriterRole}'";
            }

            return Verifies(signer, envelope) ? null : $"its signature by {signer.Subject} does not match it";
        }
    }

    private static bool Verifies(X509Certificate2 signer, PolicyEnvelope envelope)
    {
        var payload = Payload(envelope);
        using var ecdsa = signer.GetECDsaPublicKey();
        if (ecdsa is not null)
        {
            return ecdsa.VerifyData(payload, envelope.Signature, HashAlgorithmName.SHA256);
        }

        using var rsa = signer.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(payload, envelope.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }

    private static byte[] Payload(PolicyEnvelope envelope) => Encoding.UTF8.GetBytes(Purpose + envelope.Digest());
}
