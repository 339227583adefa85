using Farm.Cli.Tests.Support;
using Farm.Shared.Admin;
using Farm.Tests.Shared;

namespace Farm.Cli.Tests;

/// <summary>
/// The admin endpoint over HTTPS with an operator's openssl-made certificate: farmctl verifies it
/// against the farm's CA (<c>--ca</c>) and refuses a member whose certificate another CA signed.
/// </summary>
public sealed class AdminHttpsTests : IAsyncLifetime
{
    private AdminCertificates _certificates = null!;
    private NodeHost _node = null!;

    public async Task InitializeAsync()
    {
        _certificates = await AdminCertificates.CreateAsync();
        _node = await NodeHost.StartAsync(new Dictionary<string, string?>
        {
            ["Farm:Admin:Certificate"] = _certificates.Certificate,
            ["Farm:Admin:Key"] = _certificates.Key,
        });
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _certificates.Dispose();
    }

    [Fact]
    public async Task FarmctlWithTheFarmCa_Served()
    {
        var status = await Farmctl.RunAsync(_node.Admin, "--ca", _certificates.Ca, "node", "status");
        var https = await Farmctl.RunAsync($"https://{_node.Admin}", "--ca", _certificates.Ca, "node", "status");

        Assert.True(status.ExitCode == 0, status.Error);
        Assert.Equal("accepting new sessions", status.Lines.Single());
        Assert.True(https.ExitCode == 0, https.Error);
    }

    [Fact]
    public async Task CurlWithTheFarmCaAndToken_Served()
    {
        var token = (await File.ReadAllTextAsync(AdminTokenFile.PathFor(TestStateRoot.Path, _node.Admin)!)).Trim();

        var policy = await Curl.RunAsync($"https://{_node.Admin}{AdminRoutes.Policy}", "--cacert", _certificates.Ca, "-H", $"Authorization: Bearer {token}");

        Assert.Equal(200, policy.Status);
        Assert.Contains("\"version\"", policy.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllMembersOverTlsWithoutTheFarmCa_RefusedBeforeAnyRequest()
    {
        // The admin CA stands in for a public one: the system's trust (SSL_CERT_FILE) holds it, as a public CA's certificate would be.
        var trustedBySystem = new Dictionary<string, string> { ["SSL_CERT_FILE"] = _certificates.Ca, ["SSL_CERT_DIR"] = Path.GetDirectoryName(_certificates.Ca)! };
        var withCa = await Farmctl.RunAsync([_node.Admin, "--ca", _certificates.Ca, "sessions", "list", "--all-members"], null, trustedBySystem);

        var withoutCa = await Farmctl.RunAsync([_node.Admin, "--tls", "sessions", "list", "--all-members"], null, trustedBySystem);

        Assert.True(withCa.ExitCode == 0, withCa.Error);
        Assert.True(withoutCa.ExitCode == 2, $"{withoutCa.ExitCode}: {withoutCa.Output} {withoutCa.Error}");
        Assert.Contains("--tls without --ca trusts any public certificate authority", withoutCa.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Count:", withoutCa.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateFromAnotherCa_FarmctlRefusesBeforeSendingTheToken()
    {
        var status = await Farmctl.RunAsync(_node.Admin, "--ca", _certificates.OtherCa, "node", "status");

        Assert.Equal(3, status.ExitCode);
        Assert.Contains("certificate is not trusted", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainHttpToTheHttpsEndpoint_NotServed()
    {
        var status = await Farmctl.RunAsync(_node.Admin, "node", "status");

        Assert.Equal(3, status.ExitCode);
    }

    [Fact]
    public async Task CertificateWithoutKey_NodeRefusesToStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            NodeHost.StartAsync(new Dictionary<string, string?> { ["Farm:Admin:Certificate"] = _certificates.Certificate }));

        Assert.Contains("Farm:Admin:Certificate and Farm:Admin:Key go together", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task KeyReadableByOthers_NodeRefusesToStartNamingFileAndMode()
    {
        var key = Path.Combine(Path.GetDirectoryName(_certificates.Key)!, "shared.key");
        File.Copy(_certificates.Key, key);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeHost.StartAsync(new Dictionary<string, string?>
        {
            ["Farm:Admin:Certificate"] = _certificates.Certificate,
            ["Farm:Admin:Key"] = key,
        }));

        Assert.Equal($"Farm:Admin:Key: private key {key} is readable or writable by group or others (mode 644, 0600 expected): chmod 600 {key}", error.Message);
    }
}
