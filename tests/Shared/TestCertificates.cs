using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

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

    private static readonly ConcurrentDictionary<string, Lazy<TestCertificateSet>> Naming = new(StringComparer.Ordinal);

    private static readonly Lazy<X509Certificate2> FarmAuthority = new(() => Authority("farm"));

    private static readonly Lazy<TestCertificateSet> FarmSet = new(() => Issue(FarmAuthority.Value, "farm", "lighthouse", "socks"));

    private static readonly Lazy<TestCertificateSet> FarmSocksOnlySet = new(() => Issue(FarmAuthority.Value, "farm-socks", "socks"));

    private static readonly Lazy<TestCertificateSet> OperatorSet = new(() => Issue(FarmAuthority.Value, "operator", [], ["operator"]));

    private static readonly Lazy<TestCertificateSet> RogueSet = new(() => Make("rogue", "lighthouse", "socks"));

    private static readonly Lazy<TestCertificateSet> LighthouseOnlySet = new(() => Make("lighthouse-only", "lighthouse"));

    /// <summary>Certificates from the farm's CA.</summary>
    public static TestCertificateSet Farm => FarmSet.Value;

    /// <summary>A certificate from the farm's CA issued for role <c>socks</c> only (one member's, as <c>farmctl certs issue --role socks</c> makes).</summary>
    public static TestCertificateSet FarmSocksOnly => FarmSocksOnlySet.Value;

    /// <summary>An operator's certificate from the farm's CA (role <c>operator</c>, no host), as <c>farmctl certs issue --role operator</c> makes: it signs policy writes.</summary>
    public static TestCertificateSet Operator => OperatorSet.Value;

    /// <summary>A certificate from another CA, with that CA as its trust anchor.</summary>
    public static TestCertificateSet Rogue => RogueSet.Value;

    /// <summary>A certificate issued for role <c>lighthouse</c> only, with its own CA as trust anchor.</summary>
    public static TestCertificateSet LighthouseOnly => LighthouseOnlySet.Value;

    /// <summary>
    /// A certificate from the farm's CA for <paramref name="roles"/> naming only <paramref name="hosts"/>
    /// (IP addresses or DNS names), as <c>farmctl certs issue --ip/--dns</c> makes for one member.
    /// </summary>
    public static TestCertificateSet FarmFor(string name, IReadOnlyList<string> hosts, params string[] roles) =>
        Issue(FarmAuthority.Value, name, hosts, roles);

    /// <summary>
    /// The farm's member certificate (roles lighthouse and socks) naming loopback and also <paramref name="hosts"/>:
    /// members advertise only addresses their certificate names, so members listening on a veth need these.
    /// </summary>
    public static TestCertificateSet FarmAlsoNaming(IReadOnlyList<string> hosts)
    {
        var extra = hosts.Except(LoopbackHosts, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (extra.Length == 0)
        {
            return Farm;
        }

        var name = "farm-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', extra))))[..12].ToLowerInvariant();
        return Naming.GetOrAdd(name, _ => new(() => Issue(FarmAuthority.Value, name, [.. LoopbackHosts, .. extra], ["lighthouse", "socks"]))).Value;
    }

    /// <summary>The farm's certificates as member environment variables.</summary>
    public static Dictionary<string, string> Environment() => Farm.Environment();

    /// <summary>The farm's certificates as in-process configuration.</summary>
    public static Dictionary<string, string?> Settings() => Farm.Settings();

    // A member may advertise only a host its certificate names: the shared certificates name every
    // loopback address the tests give members, so each test picks its member addresses freely.
    private static readonly string[] LoopbackHosts = ["localhost", .. Enumerable.Range(1, 127).Select(i => $"127.0.0.{i}")];

    private static TestCertificateSet Make(string name, params string[] roles)
    {
        using var ca = Authority(name);
        return Issue(ca, name, roles);
    }

    private static X509Certificate2 Authority(string name)
    {
        var now = DateTimeOffset.UtcNow;

        // Not disposed: the farm's CA signs again later, through the key the certificate holds.
        var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    private static TestCertificateSet Issue(X509Certificate2 ca, string name, params string[] roles) =>
        Issue(ca, name, LoopbackHosts, roles);

    private static TestCertificateSet Issue(X509Certificate2 ca, string name, IReadOnlyList<string> hosts, string[] roles)
    {
        var directory = Path.Combine(Root.Value, name);
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}-member", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }

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
