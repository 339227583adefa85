using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Farm.Shared.Security;

/// <summary>Whether a certificate is valid at a given time, said the way an operator fixes it: "expired on" a date, or not yet valid. Pure.</summary>
public static class CertificateDates
{
    /// <summary>"expired on …" or "is not valid before …" (UTC), or null when <paramref name="now"/> is within its validity.</summary>
    public static string? Problem(X509Certificate2 certificate, DateTime now)
    {
        var notAfter = certificate.NotAfter.ToUniversalTime();
        var notBefore = certificate.NotBefore.ToUniversalTime();
        if (now > notAfter)
        {
            return $"expired on {Format(notAfter)}";
        }

        return now < notBefore ? $"is not valid before {Format(notBefore)}" : null;
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
