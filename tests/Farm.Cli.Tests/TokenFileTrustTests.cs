using System.Diagnostics;
using Farm.Admin.Access;
using Farm.Cli.Tests.Support;
using Farm.Shared.Admin;
using Farm.Tests.Shared;

namespace Farm.Cli.Tests;

/// <summary>
/// Issue 17 review, items 2 and 3: a token read from a member's token file goes only to a listener the
/// file's owner owns (another local user squatting the admin port while the member is down gets
/// nothing), and neither a member nor farmctl uses a token file or directory another user owns or may write.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TokenFileTrustTests : IDisposable
{
    private const string Token = "token-from-the-file-0123456789";

    private readonly string _root = Path.Combine(TestStateRoot.Path, $"trust-{Guid.NewGuid():N}");

    public TokenFileTrustTests() => Directory.CreateDirectory(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task SquatterOfAnotherUser_OnTheAdminPort_GetsNoTokenAndFarmctlRefusesClearly()
    {
        var port = TestPorts.Next();
        WriteTokenFile(port);
        await using var squatter = await SquatterProcess.StartAsync(port);

        var result = await Farmctl.RunAsync([$"127.0.0.1:{port}", "cluster", "show"], null, State());

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain(Token, squatter.Output, StringComparison.Ordinal);
        Assert.Contains($"owned by uid {SquatterProcess.Nobody}", result.Error, StringComparison.Ordinal);
        Assert.Contains("the token was not sent", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenFileOfAnotherUser_FarmctlRefusesToReadIt()
    {
        var port = TestPorts.Next();
        var file = WriteTokenFile(port);
        await ChownAsync(file);

        var result = await Farmctl.RunAsync([$"127.0.0.1:{port}", "cluster", "show"], null, State());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"admin token file {file} is owned by uid {SquatterProcess.Nobody}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenDirectoryWritableByOthers_FarmctlRefusesToReadIt()
    {
        var port = TestPorts.Next();
        WriteTokenFile(port);
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var result = await Farmctl.RunAsync([$"127.0.0.1:{port}", "cluster", "show"], null, State());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"admin token directory {_root} is writable by group or others", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenFileOfAnotherUser_MemberStoreRefusesIt()
    {
        var file = WriteTokenFile(TestPorts.Next());
        await ChownAsync(file);

        var error = Assert.Throws<InvalidOperationException>(() => AdminTokenStore.LoadOrCreate(file));

        Assert.Contains($"is owned by uid {SquatterProcess.Nobody}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenDirectoryWritableByGroup_MemberStoreRefusesIt()
    {
        var file = WriteTokenFile(TestPorts.Next());
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute);

        var error = Assert.Throws<InvalidOperationException>(() => AdminTokenStore.LoadOrCreate(file));

        Assert.Contains("is writable by group or others", error.Message, StringComparison.Ordinal);
    }

    private string WriteTokenFile(int port)
    {
        var file = AdminTokenFile.PathFor(_root, $"127.0.0.1:{port}")!;
        using (var writer = new StreamWriter(file, System.Text.Encoding.ASCII, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            writer.Write(Token + "\n");
        }

        return file;
    }

    private Dictionary<string, string> State() => new() { ["FARM_STATE_DIR"] = _root };

    private static async Task ChownAsync(string file)
    {
        using var chown = Process.Start("chown", ["nobody:nogroup", file]);
        await chown.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, chown.ExitCode);
    }
}
