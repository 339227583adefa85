using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Farm.Shared.Cluster.Tls;

namespace Farm.Shared.Replication.Signing;

/// <summary>
/// An operator's signature over one policy write, made by farmctl with an operator certificate's key and
/// checked by the policy arbiter: the member that relays the write cannot change its text, the version it
/// replaces, its nonce, its author, its kind or whether it is a member's own file, nor make a write the operator
/// did not sign: the kind and nonce carried beside the signature must be the write's own.
/// </summary>
/// <param name="Kind">What the operator asked for (<see cref="Apply"/>); part of what is signed.</param>
/// <param name="Certificate">The operator's DER certificate, from the farm's CA.</param>
public sealed record OperatorSignature(string Kind, string Nonce, byte[] Certificate, byte[] Signature)
{
    public const string Apply = "apply";

    /// <summary>The certificate role that may sign farm-wide policy writes.</summary>
    public const string Role = "operator";

    // Binds the signature to this use: the same key's signature over the same bytes elsewhere is no write.
    private const string Purpose = "farm-policy-write-v2\n";

    /// <summary>The operator's signature with <paramref name="signer"/> (a certificate with its private key) over this write.</summary>
    public static OperatorSignature Sign(X509Certificate2 signer, string kind, string text, long expected, string nonce, string author, bool fromLocalFile = false)
    {
        var payload = Payload(kind, text, expected, nonce, author, fromLocalFile);
        using var ecdsa = signer.GetECDsaPrivateKey();
        using var rsa = ecdsa is null ? signer.GetRSAPrivateKey() : null;
        var signature = ecdsa?.SignData(payload, HashAlgorithmName.SHA256)
            ?? rsa?.SignData(payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
            ?? throw new InvalidOperationException($"the certificate {signer.Subject} has no ECDSA or RSA private key to sign with");
        return new OperatorSignature(kind, nonce, signer.RawData, signature);
    }

    /// <summary>Why this signature does not authorise the write of kind <paramref name="kind"/> of <paramref name="text"/> as the version after <paramref name="expected"/> for <paramref name="author"/> with <paramref name="nonce"/>, or null.</summary>
    public string? Problem(string kind, string text, long expected, string nonce, string author, bool fromLocalFile, X509Certificate2 authority)
    {
        if (!string.Equals(Kind, kind, StringComparison.Ordinal) || !string.Equals(Nonce, nonce, StringComparison.Ordinal))
        {
            return "the operator signature is for another write (its kind or nonce differ from the write's)";
        }

        X509Certificate2 signer;
        try
        {
            signer = X509CertificateLoader.LoadCertificate(Certificate);
        }
        catch (CryptographicException)
        {
            return "its operator certificate cannot be read";
        }

        using (signer)
        {
            if (!FarmCertificateValidator.ChainsTo(signer, authority))
            {
                return $"the operator certificate {signer.Subject} is not vouched for by the farm's CA now";
            }

            var roles = CertificateRoles.Of(signer);
            if (!roles.Contains(Role) && !roles.Contains(PolicySignature.WriterRole))
            {
                return $"the certificate {signer.Subject} is not issued for role '{Role}'";
            }

            return Verifies(signer, Payload(kind, text, expected, nonce, author, fromLocalFile)) ? null : $"the operator signature by {signer.Subject} does not match this write";
        }
    }

    private bool Verifies(X509Certificate2 signer, byte[] payload)
    {
        using var ecdsa = signer.GetECDsaPublicKey();
        if (ecdsa is not null)
        {
            return ecdsa.VerifyData(payload, Signature, HashAlgorithmName.SHA256);
        }

        using var rsa = signer.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(payload, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }

    // Length-prefixed fields, so no two writes share a payload.
    private static byte[] Payload(string kind, string text, long expected, string nonce, string author, bool fromLocalFile) =>
        Encoding.UTF8.GetBytes(new StringBuilder(Purpose)
            .Append(kind.Length).Append(':').Append(kind).Append('\n')
            .Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))).Append('\n')
            .Append(expected).Append('\n')
            .Append(nonce.Length).Append(':').Append(nonce).Append('\n')
            .Append(author.Length).Append(':').Append(author).Append('\n')
            .Append(fromLocalFile ? "local-file" : "farm")
            .ToString());
}
