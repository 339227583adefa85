using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>The interactive shell against a real node: commands piped on standard input, history kept in a 0600 file.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ShellTests : ShellTestBase
{

    [Fact]
    public async Task Shell_PipedCommands_EachRunThroughTheParser_HistoryKept0600()
    {
        var result = await Farmctl.RunAsync([Node.Admin, "shell"], "node status\n\n# a comment\ncluster sho\nnode status --json\nhistory\nexit\nnode status\n", Environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error.Replace("farmctl: Unrecognized command or argument 'sho'. Did you mean 'show'? ('farmctl cluster --help' shows the usage)\n", string.Empty, StringComparison.Ordinal));
        Assert.Equal("accepting new sessions", result.Lines[0]);
        Assert.StartsWith("{", result.Lines[1], StringComparison.Ordinal);
        Assert.Equal(["1  node status", "2  cluster sho", "3  node status --json", "4  history"], result.Lines[2..6]);
        Assert.Equal(6, result.Lines.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(HistoryFile));
        Assert.Equal(["node status", "cluster sho", "node status --json", "history"], await File.ReadAllLinesAsync(HistoryFile));
    }

    [Fact]
    public async Task DashI_NextShell_StartsWithThePreviousHistory_NeverATokenValue()
    {
        await Farmctl.RunAsync([Node.Admin, "-i"], "node status\nnode status --token wrong-token-value\n", Environment);

        var second = await Farmctl.RunAsync([Node.Admin, "-i"], "history\n", Environment);

        Assert.Equal(0, second.ExitCode);
        Assert.Equal(["1  node status", "2  history"], second.Lines);
        Assert.DoesNotContain("wrong-token-value", await File.ReadAllTextAsync(HistoryFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_FailuresReportedAndReadOn_ExitCodeIsTheLastCommands_EndOfInputLeaves()
    {
        var result = await Farmctl.RunAsync([Node.Admin, "shell"], "shell\nnode status\nsessions kill 999999\n", Environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("farmctl: already in the shell", result.Error, StringComparison.Ordinal);
        Assert.Contains("accepting new sessions", result.Output, StringComparison.Ordinal);
        Assert.Contains("no open session", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashI_WithACommand_UsageError()
    {
        var result = await Farmctl.RunAsync([Node.Admin, "-i", "node", "status"], null, Environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("-i starts the shell", result.Error, StringComparison.Ordinal);
    }
}
