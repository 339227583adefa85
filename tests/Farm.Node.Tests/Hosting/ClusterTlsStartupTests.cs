using System.Globalization;
using Farm.Node.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Node.Tests.Hosting;

/// <summary>
/// Issue 17: with cluster TLS on (a lighthouse, or a node with seeds), a member whose certificate, key
/// or CA is missing or unusable exits 1 with one line naming the setting, instead of running in clear; a key
/// others may read or an expired certificate is named with its reason, and TLS turned off is warned about.
/// </summary>
public sealed class ClusterTlsStartupTests
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NodeWithSeeds_NoCertificate_ExitsWithOneLineNamingTheSetting()
    {
        var result = await RunAsync("Farm.Node.dll", "farm-node", new Dictionary<string, string>
        {
            ["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}",
        });

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-node: Farm:Cluster:Tls:Certificate is required", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lighthouse_UnreadableKey_ExitsWithOneLineNamingTheSetting()
    {
        var environment = TestCertificates.Environment();
        environment["FARM__CLUSTER__TLS__KEY"] = Path.Combine(Path.GetTempPath(), "farm-no-such-key.pem");

        var result = await RunAsync("Farm.Lighthouse.dll", "farm-lighthouse", environment);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-lighthouse: Farm:Cluster:Tls:Certificate / Key: cannot use", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeWithSeeds_CertificateOfAnotherCa_ExitsWithOneLineNamingTheSetting()
    {
        var environment = TestCertificates.Rogue.Environment();
        environment["FARM__CLUSTER__TLS__CA"] = TestCertificates.Farm.Ca;
        environment["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}";

        var result = await RunAsync("Farm.Node.dll", "farm-node", environment);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-node: Farm:Cluster:Tls:Certificate:", line, StringComparison.Ordinal);
        Assert.Contains("is not signed by the CA", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeWithSeeds_CertificateForAnotherRole_ExitsWithOneLineNamingTheRole()
    {
        var environment = TestCertificates.LighthouseOnly.Environment();
        environment["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}";

        var result = await RunAsync("Farm.Node.dll", "farm-node", environment);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-node: Farm:Cluster:Tls:Certificate:", line, StringComparison.Ordinal);
        Assert.Contains("is not issued for role 'socks' (it names lighthouse)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeWithSeeds_CertificateNotNamingItsAddress_ExitsWithOneLineNamingTheAddress()
    {
        // Outsider review of issue 17, finding 1: a member advertising an address its certificate does not name.
        var environment = TestCertificates.FarmFor("elsewhere", ["127.0.0.7"], "socks").Environment();
        environment["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}";
        environment["FARM__CLUSTER__HOSTNAME"] = "127.0.0.1";

        var result = await RunAsync("Farm.Node.dll", "farm-node", environment);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farm-node: Farm:Cluster:Tls:Certificate:", line, StringComparison.Ordinal);
        Assert.Contains("does not name this member's address '127.0.0.1'", line, StringComparison.Ordinal);
        Assert.Contains("it names 127.0.0.7", line, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Lighthouse_KeyReadableByGroup_ExitsWithOneLineNamingFileAndMode()
    {
        var directory = Directory.CreateTempSubdirectory("farm-shared-key-");
        try
        {
            var key = Path.Combine(directory.FullName, "member.key");
            File.Copy(TestCertificates.Farm.Key, key);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            var environment = TestCertificates.Environment();
            environment["FARM__CLUSTER__TLS__KEY"] = key;

            var result = await RunAsync("Farm.Lighthouse.dll", "farm-lighthouse", environment);

            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal($"farm-lighthouse: Farm:Cluster:Tls:Key: private key {key} is readable or writable by group or others (mode 640, 0600 expected): chmod 600 {key}", line);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task NodeWithSeeds_ExpiredCertificate_SaysExpiredOnItsDate()
    {
        var directory = Directory.CreateTempSubdirectory("farm-expired-");
        try
        {
            var now = DateTimeOffset.UtcNow;
            var expiry = new DateTimeOffset(now.AddDays(-2).Date, TimeSpan.Zero);
            var set = ExpiredCertificate(directory.FullName, now, expiry);
            var environment = set.Environment();
            environment["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}";

            var result = await RunAsync("Farm.Node.dll", "farm-node", environment);

            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal($"farm-node: Farm:Cluster:Tls:Certificate: {set.Certificate} expired on {expiry.UtcDateTime:yyyy-MM-dd} 00:00:00 UTC", line);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task NodeWithSeeds_TlsTurnedOff_WarnsOnceAtStart()
    {
        const string warning = "Farm:Cluster:Tls:Enabled is false: remoting runs in clear without authentication";
        await using var node = await ExternalNodeProcess.StartAsync($"127.0.0.1:{TestPorts.Next()}", new Dictionary<string, string>
        {
            ["FARM__CLUSTER__SEEDS__0"] = $"akka.tcp://farm@127.0.0.1:{TestPorts.Next()}",
            ["FARM__CLUSTER__TLS__ENABLED"] = "false",
        });

        var deadline = DateTime.UtcNow + ExitBound;
        while (!node.Diagnostics.Contains(warning, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Single(node.Diagnostics.Split('\n'), l => l.Contains(warning, StringComparison.Ordinal));
    }

    /// <summary>A CA valid now and a member certificate, for role socks, that expired at <paramref name="expiry"/>; the key 0600.</summary>
    private static TestCertificateSet ExpiredCertificate(string directory, DateTimeOffset now, DateTimeOffset expiry)
    {
        using var caKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var caRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=expiry test CA", caKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-30), now.AddDays(30));
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=expired-member", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddUri(new Uri("urn:farm:role:socks"));
        request.CertificateExtensions.Add(names.Build());
        using var member = request.Create(ca, now.AddDays(-20), expiry, System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var set = new TestCertificateSet(Path.Combine(directory, "member.crt"), Path.Combine(directory, "member.key"), Path.Combine(directory, "ca.crt"));
        File.WriteAllText(set.Ca, ca.ExportCertificatePem());
        File.WriteAllText(set.Certificate, member.ExportCertificatePem());
        File.WriteAllText(set.Key, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(set.Key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return set;
    }

    private static async Task<ProcessRunner.Result> RunAsync(string dll, string program, Dictionary<string, string> environment)
    {
        var data = Directory.CreateTempSubdirectory($"{program}-tls-");
        environment["FARM__CLUSTER__DATADIRECTORY"] = data.FullName;
        environment["FARM__CLUSTER__PORT"] = TestPorts.Next().ToString(CultureInfo.InvariantCulture);
        environment["FARM__ADMIN__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}";
        environment["FARM__TELEMETRY__LISTEN"] = $"127.0.0.1:{TestPorts.Next()}";
        environment["FARM__SOCKS__LISTENERS__0"] = $"127.0.0.1:{TestPorts.Next()}";
        environment["FARM__DNS__LISTEN__0"] = $"127.0.0.1:{TestPorts.Next()}";
        try
        {
            return await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, dll)], ExitBound, environment);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
