using Farm.Cli.Tests.Support;
using Farm.Tests.Shared;

namespace Farm.Cli.Tests;

/// <summary>
/// Issue 17 review, item 2: a token the operator gives need not be on the command line (where every local
/// user's <c>ps</c> shows it): <c>--token-file</c> (trusted only if the operator's alone), <c>--token -</c>
/// (standard input) and <c>FARMCTL_TOKEN</c>; <c>--token &lt;value&gt;</c> still works, with a warning. A
/// given token goes to a loopback listener only if farmctl's user owns it, unless <c>--trust-listener</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GivenTokenTests : IAsyncLifetime
{
    private const string Token = "given-token-0123456789abcdef";
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farm-given-token-");
    private NodeHost _node = null!;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(_directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _node = await NodeHost.StartAsync(new Dictionary<string, string?> { ["Farm:Admin:Token"] = Token });
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task TokenFile_TheOperatorsAlone_Works()
    {
        var file = WriteTokenFile(Private);

        var show = await Farmctl.RunAsync(_node.Admin, "--token-file", file, "policy", "show");

        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Equal(string.Empty, show.Error);
    }

    [Fact]
    public async Task TokenFile_WritableByGroup_RefusedUnread()
    {
        var file = WriteTokenFile(Private | UnixFileMode.GroupWrite);

        var show = await Farmctl.RunAsync(_node.Admin, "--token-file", file, "policy", "show");

        Assert.Equal(1, show.ExitCode);
        Assert.Contains($"token file {file} is writable by group or others (mode 620)", show.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, show.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenFromStandardInput_Works()
    {
        var show = await Farmctl.RunAsync([_node.Admin, "--token", "-", "policy", "show"], Token + "\n");

        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Equal(string.Empty, show.Error);
    }

    [Fact]
    public async Task TokenOnTheCommandLine_WorksWithOneWarningLine()
    {
        var show = await Farmctl.RunAsync(_node.Admin, "--token", Token, "policy", "show");

        Assert.True(show.ExitCode == 0, show.Error);
        var warning = Assert.Single(show.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("farmctl: warning: --token <value> shows the token to every user of this machine", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, show.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenToken_ListenerOfAnotherUserOnLoopback_NotSent()
    {
        var port = TestPorts.Next();
        await using var squatter = await SquatterProcess.StartAsync(port);

        var show = await Farmctl.RunAsync([$"127.0.0.1:{port}", "cluster", "show"], null, new Dictionary<string, string> { ["FARMCTL_TOKEN"] = Token });

        Assert.True(show.ExitCode == 1, $"{show.ExitCode}: {show.Error}");
        Assert.Contains($"is owned by uid {SquatterProcess.Nobody}, not by uid", show.Error, StringComparison.Ordinal);
        Assert.Contains("who runs farmctl: the token was not sent", show.Error, StringComparison.Ordinal);
        Assert.Contains("--trust-listener", show.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, squatter.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenToken_TrustListener_SentToAMemberOfAnotherUser()
    {
        var port = TestPorts.Next();
        await using var squatter = await SquatterProcess.StartAsync(port);

        var show = await Farmctl.RunAsync([$"127.0.0.1:{port}", "--trust-listener", "cluster", "show"], null, new Dictionary<string, string> { ["FARMCTL_TOKEN"] = Token });

        // The stand-in answers 401 to everything; what matters is that the operator's override let the token through.
        Assert.True(show.ExitCode == 4, $"{show.ExitCode}: {show.Error}");
        await Eventually.UntilAsync(() => Task.FromResult(squatter.Output), o => o.Contains(Token, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Contains($"Authorization: Bearer {Token}", squatter.Output, StringComparison.Ordinal);
    }

    private string WriteTokenFile(UnixFileMode mode)
    {
        var file = Path.Combine(_directory.FullName, $"token-{Guid.NewGuid():N}");
        File.WriteAllText(file, Token + "\n");
        File.SetUnixFileMode(file, mode);
        return file;
    }
}
