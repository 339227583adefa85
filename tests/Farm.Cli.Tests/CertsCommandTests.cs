using System.Diagnostics;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>
/// Issue 17: <c>farmctl certs</c> makes a farm CA and member certificates that openssl verifies
/// against that CA only; private keys are 0600 and never overwritten.
/// </summary>
public sealed class CertsCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-certs-");

    private string Ca => Path.Combine(_directory.FullName, "ca");

    private string Members => Path.Combine(_directory.FullName, "members");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task InitThenIssue_MemberCertificate_VerifiesAgainstTheFarmCaOnly()
    {
        var init = await Farmctl.RunAsync("certs", "init", "--out", Ca);
        var issue = await Farmctl.RunAsync("certs", "issue", "node1", "--role", "socks", "--ca-dir", Ca, "--out", Members, "--ip", "10.0.0.5", "--ip", "127.0.0.1", "--dns", "node1.farm.internal");

        Assert.True(init.ExitCode == 0, init.Error);
        Assert.True(issue.ExitCode == 0, issue.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Ca, "ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Members, "node1.key")));
        Assert.Equal(File.ReadAllText(Path.Combine(Ca, "ca.crt")), File.ReadAllText(Path.Combine(Members, "ca.crt")));

        var verify = await OpensslAsync("verify", "-CAfile", Path.Combine(Ca, "ca.crt"), Path.Combine(Members, "node1.crt"));
        Assert.True(verify.ExitCode == 0, verify.Output);
        var text = await OpensslAsync("x509", "-in", Path.Combine(Members, "node1.crt"), "-noout", "-ext", "subjectAltName,extendedKeyUsage");
        Assert.Contains("IP Address:10.0.0.5", text.Output, StringComparison.Ordinal);
        Assert.Contains("IP Address:127.0.0.1", text.Output, StringComparison.Ordinal);
        Assert.Contains("DNS:node1.farm.internal", text.Output, StringComparison.Ordinal);
        Assert.Contains("URI:urn:farm:role:socks", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("urn:farm:role:lighthouse", text.Output, StringComparison.Ordinal);
        Assert.Contains("TLS Web Client Authentication", text.Output, StringComparison.Ordinal);
        Assert.Contains("TLS Web Server Authentication", text.Output, StringComparison.Ordinal);

        var other = Path.Combine(_directory.FullName, "other");
        Assert.Equal(0, (await Farmctl.RunAsync("certs", "init", "--out", other)).ExitCode);
        var foreign = await OpensslAsync("verify", "-CAfile", Path.Combine(other, "ca.crt"), Path.Combine(Members, "node1.crt"));
        Assert.NotEqual(0, foreign.ExitCode);
    }

    [Fact]
    public async Task Issue_ExistingKey_ExitOneAndKeyUnchanged()
    {
        Assert.Equal(0, (await Farmctl.RunAsync("certs", "init", "--out", Ca)).ExitCode);
        Assert.Equal(0, (await Farmctl.RunAsync("certs", "issue", "node1", "--role", "socks", "--ca-dir", Ca, "--out", Members)).ExitCode);
        var key = File.ReadAllText(Path.Combine(Members, "node1.key"));

        var again = await Farmctl.RunAsync("certs", "issue", "node1", "--role", "socks", "--ca-dir", Ca, "--out", Members);
        var reinit = await Farmctl.RunAsync("certs", "init", "--out", Ca);

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(1, reinit.ExitCode);
        Assert.Equal(key, File.ReadAllText(Path.Combine(Members, "node1.key")));
    }

    [Fact]
    public async Task Issue_CaDirectoryGivenAsGlobalCa_UsageErrorWithoutWriting()
    {
        Assert.Equal(0, (await Farmctl.RunAsync("certs", "init", "--out", Ca)).ExitCode);

        var issue = await Farmctl.RunAsync("certs", "issue", "node1", "--role", "socks", "--ca", Ca, "--out", Members);

        Assert.Equal(2, issue.ExitCode);
        Assert.Contains("--ca-dir", issue.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Members), "certs issue wrote certificates although --ca is the admin CA file");
    }

    [Fact]
    public async Task Issue_WithoutOrWithAnUnknownRole_UsageErrorWithoutWriting()
    {
        Assert.Equal(0, (await Farmctl.RunAsync("certs", "init", "--out", Ca)).ExitCode);

        var none = await Farmctl.RunAsync("certs", "issue", "node1", "--ca-dir", Ca, "--out", Members);
        var unknown = await Farmctl.RunAsync("certs", "issue", "node1", "--role", "admin", "--ca-dir", Ca, "--out", Members);

        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--role lighthouse|socks|operator is required", none.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'admin' is not a role", unknown.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Members), "certs issue wrote a certificate without a role");
    }

    [Fact]
    public async Task Issue_BadArguments_UsageOrFailureWithoutWriting()
    {
        var badIp = await Farmctl.RunAsync("certs", "issue", "node1", "--role", "socks", "--ca-dir", Ca, "--out", Members, "--ip", "not-an-ip");
        var noCa = await Farmctl.RunAsync("certs", "issue", "node1", "--role", "socks", "--ca-dir", Ca, "--out", Members);
        var noName = await Farmctl.RunAsync("certs", "issue", "--role", "socks", "--ca-dir", Ca, "--out", Members);

        Assert.Equal(2, badIp.ExitCode);
        Assert.Contains("not an IP address", badIp.Error, StringComparison.Ordinal);
        Assert.Equal(1, noCa.ExitCode);
        Assert.Contains("cannot use the CA", noCa.Error, StringComparison.Ordinal);
        Assert.Equal(2, noName.ExitCode);
        Assert.False(Directory.Exists(Members));
    }

    private static async Task<(int ExitCode, string Output)> OpensslAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output + await error);
    }
}
