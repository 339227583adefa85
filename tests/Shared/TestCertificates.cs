using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Farm.Tests.Shared;

/// <summary>
/// The certificates members use in tests, made once per test run into a temp directory: the farm's
/// CA with one member certificate every member presents, and a rogue CA with a certificate of its own
/// (a member of another farm, or an attacker's), both for both roles. Members get them by <see cref="Environment"/> or
/// <see cref="Settings"/>; cluster TLS is then on wherever the product turns it on.
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("farm-test-certs-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return directory;
    });

    private static readonly Lazy<TestCertificateSet> FarmSet = new(() => Make("farm", "lighthouse", "socks"));

    private static readonly Lazy<TestCertificateSet> RogueSet = new(() => Make("rogue", "lighthouse", "socks"));

    private static readonly Lazy<TestCertificateSet> LighthouseOnlySet = new(() => Make("lighthouse-only", "lighthouse"));

    /// <summary>Certificates from the farm's CA.</summary>
    public static TestCertificateSet Farm => FarmSet.Value;

    /// <summary>A certificate from another CA, with that CA as its trust anchor.</summary>
    public static TestCertificateSet Rogue => RogueSet.Value;

    /// <summary>A certificate issued for role <c>lighthouse</c> only, with its own CA as trust anchor.</summary>
    public static TestCertificateSet LighthouseOnly => LighthouseOnlySet.Value;

    /// <summary>The farm's certificates as member environment variables.</summary>
    public static Dictionary<string, string> Environment() => Farm.Environment();

    /// <summary>The farm's certificates as in-process configuration.</summary>
    public static Dictionary<string, string?> Settings() => Farm.Settings();

    private static TestCertificateSet Make(string name, params string[] roles)
    {
        var directory = Path.Combine(Root.Value, name);
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}-member", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        foreach (var role in roles)
        {
            names.AddUri(new Uri($"urn:farm:role:{role}"));
        }

        request.CertificateExtensions.Add(names.Build());
        using var member = request.Create(ca, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(16));

        var set = new TestCertificateSet(Path.Combine(directory, "member.crt"), Path.Combine(directory, "member.key"), Path.Combine(directory, "ca.crt"));
        File.WriteAllText(set.Ca, ca.ExportCertificatePem());
        File.WriteAllText(set.Certificate, member.ExportCertificatePem());
        // A member refuses a key group or others may read (ssh's rule).
        File.WriteAllText(set.Key, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(set.Key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return set;
    }
}
