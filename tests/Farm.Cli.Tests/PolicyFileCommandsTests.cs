using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>
/// <c>policy check</c> with no member at all, and <c>policy diff</c> against a real node: the farm's
/// policy against a file and against an earlier version, with secrets redacted on both sides.
/// </summary>
public sealed class PolicyFileCommandsTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("farmctl-policy-files-").FullName;
    private NodeHost _node = null!;

    public async Task InitializeAsync() => _node = await NodeHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Check_NoMemberRunning_ValidFileOk_InvalidFileLineColumn_ShadowWarned()
    {
        var good = await WriteAsync("good.policy", "client pass from 10.0.0.0/8\npass connect to any port 443 name web\n");
        var bad = await WriteAsync("bad.policy", "client pass from 10.0.0.0/8\npass connect to any port banana\n");
        var shadow = await WriteAsync("shadow.policy", "client pass from 10.0.0.0/8\npass connect to *.example.org name named\nblock connect to 10.0.0.0/8 name inward\n");

        // Port 9 (discard) on loopback: nothing answers there, so a check that needed a member would fail.
        var ok = await Farmctl.RunAsync("127.0.0.1:9", "policy", "check", good);
        var refused = await Farmctl.RunAsync("127.0.0.1:9", "policy", "check", good, bad);
        var warned = await Farmctl.RunAsync("127.0.0.1:9", "policy", "check", shadow);

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal([$"{good}: ok, 2 rules"], ok.Lines);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"{good}: ok, 2 rules", refused.Output, StringComparison.Ordinal);
        Assert.Contains($"{bad}:2:26: 'banana' is not a port", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, warned.ExitCode);
        Assert.Contains($"{shadow}: warning:", warned.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NoFile_UsageError()
    {
        var result = await Farmctl.RunAsync("policy", "check");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("policy check: give one or more policy files", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_AgainstFileAndVersion_ShowsChangedLines_RedactsSecrets()
    {
        const string secret = "hunter2-diff-secret";
        var first = await WriteAsync("first.policy", "client pass from 127.0.0.0/8\npass connect to any port 80 name web\n");
        var second = await WriteAsync(
            "second.policy",
            $"client pass from 127.0.0.0/8\npass connect to any port 443 name web\nroute to *.partner.test via socks5 127.0.0.1:9 user farm password \"{secret}\"\n");
        var applied = await Farmctl.RunAsync(_node.Admin, "policy", "apply", first);
        Assert.Equal(0, applied.ExitCode);
        var firstVersion = long.Parse(System.Text.RegularExpressions.Regex.Match(applied.Output, @"applied version (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        var same = await Farmctl.RunAsync(_node.Admin, "policy", "diff", first);
        var toFile = await Farmctl.RunAsync(_node.Admin, "policy", "diff", second);
        Assert.Equal(0, (await Farmctl.RunAsync(_node.Admin, "policy", "apply", second)).ExitCode);
        var toVersion = await Farmctl.RunAsync(_node.Admin, "policy", "diff", firstVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var missing = await Farmctl.RunAsync(_node.Admin, "policy", "diff", "999999");
        var huge = await WriteAsync("huge.policy", string.Concat(Enumerable.Repeat("# comment\n", 4001)));
        var tooLong = await Farmctl.RunAsync(_node.Admin, "policy", "diff", huge);

        Assert.Equal(0, same.ExitCode);
        Assert.StartsWith("no difference between version", same.Output, StringComparison.Ordinal);
        Assert.Equal(1, toFile.ExitCode);
        Assert.Equal($"--- version {firstVersion}", toFile.Lines[0]);
        Assert.Equal($"+++ {second}", toFile.Lines[1]);
        Assert.Contains("-pass connect to any port 80 name web", toFile.Lines);
        Assert.Contains("+pass connect to any port 443 name web", toFile.Lines);
        Assert.Contains("\n client pass from 127.0.0.0/8\n", toFile.Output, StringComparison.Ordinal);
        Assert.Equal(1, toVersion.ExitCode);
        Assert.Equal($"--- version {firstVersion}", toVersion.Lines[0]);
        Assert.Equal($"+++ version {firstVersion + 1}", toVersion.Lines[1]);
        Assert.Contains("+pass connect to any port 443 name web", toVersion.Lines);
        Assert.DoesNotContain(secret, toFile.Output + toVersion.Output, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("version 999999 is not in this member's policy history", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, tooLong.ExitCode);
        Assert.Contains("more than 4000 lines on a side", tooLong.Error, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
