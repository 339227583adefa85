using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Farm.Shared.Admin;
using Farm.Shared.Replication.Signing;

namespace Farm.Cli;

/// <summary>
/// The operator certificate and key farmctl signs policy writes with: <c>--operator-cert</c>/<c>--operator-key</c>,
/// else <c>FARM_OPERATOR_CERT</c>/<c>FARM_OPERATOR_KEY</c>; none when neither is given (a farm without cluster TLS,
/// or a write through a lighthouse, needs none).
/// </summary>
public static class OperatorKey
{
    public const string CertificateVariable = "FARM_OPERATOR_CERT";

    public const string KeyVariable = "FARM_OPERATOR_KEY";

    /// <summary>The operator's certificate with its key, or null when none is configured; a bad pair is a one-line error.</summary>
    public static X509Certificate2? Load(string? certificate, string? key, Func<string, string?> environment)
    {
        certificate ??= environment(CertificateVariable);
        key ??= environment(KeyVariable);
        if (string.IsNullOrEmpty(certificate) && string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (string.IsNullOrEmpty(certificate) || string.IsNullOrEmpty(key))
        {
            throw CliException.Usage($"the operator certificate needs both --operator-cert and --operator-key (or {CertificateVariable} and {KeyVariable})");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificate, key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CliException(ExitCode.Failed, $"cannot use the operator certificate {certificate} with its key {key}: {e.Message}");
        }
    }

    /// <summary>The signature of an apply of <paramref name="text"/> over version <paramref name="expected"/>, as the admin API takes it.</summary>
    public static PolicyWriteSignature SignApply(X509Certificate2 signer, string text, long expected, string author)
    {
        var signed = OperatorSignature.Sign(signer, OperatorSignature.Apply, text, expected, Guid.NewGuid().ToString("N"), author);
        return new PolicyWriteSignature(signed.Nonce, Convert.ToBase64String(signed.Certificate), Convert.ToBase64String(signed.Signature));
    }
}
