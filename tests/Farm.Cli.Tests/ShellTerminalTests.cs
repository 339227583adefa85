using System.Text.RegularExpressions;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>
/// The interactive shell on a real pseudo-terminal against a real node: keys typed as an xterm sends them,
/// Up recalls the line just run and, after a restart, a line from the history file.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class ShellTerminalTests : ShellTestBase
{
    private const string Up = "\e[A";
    private const string Left = "\e[D";
    private const string Home = "\e[H";
    private const string End = "\e[F";
    private const string Delete = "\e[3~";
    private const string Backspace = "\x7f";
    private const string Enter = "\r";
    private const string CtrlC = "\x03";
    private const string CtrlD = "\x04";
    private const string Status = "accepting new sessions";

    private string Prompt => $"farmctl {Node.Admin}> ";

    [Fact]
    public async Task UpEnter_RunsTheLastCommandAgain_TabCompletes_CtrlCDropsTheLine_CtrlDLeaves()
    {
        await using (var terminal = PseudoTerminal.Start([Node.Admin, "shell"], Environment))
        {
            await terminal.WaitForAsync(s => s.Contains(Prompt, StringComparison.Ordinal), "the prompt");

            await terminal.TypeAsync("cluster bogus" + CtrlC);
            await terminal.WaitForAsync(s => s.Contains("^C", StringComparison.Ordinal) && s[s.LastIndexOf("^C", StringComparison.Ordinal)..].Contains(Prompt, StringComparison.Ordinal), "the line dropped, a fresh prompt");

            await terminal.TypeAsync("node staz" + Backspace + "\t" + Enter);
            await terminal.WaitForAsync(s => Ran(s, 1), "node status run once");

            await terminal.TypeAsync(Up + Enter);
            await terminal.WaitForAsync(s => Ran(s, 2), "node status run again");

            await terminal.TypeAsync(CtrlD);
            Assert.Equal(0, await terminal.ExitCodeAsync());
            Assert.DoesNotContain("bogus'", terminal.Screen, StringComparison.Ordinal);
        }

        Assert.Equal(["node status", "node status"], await File.ReadAllLinesAsync(HistoryFile));
    }

    [Fact]
    public async Task UpAfterARestart_RecallsTheHistoryFile_HomeEndLeftDeleteEditIt()
    {
        await File.WriteAllLinesAsync(HistoryFile, ["node sttus", "history"]);
        await using var terminal = PseudoTerminal.Start([Node.Admin, "shell"], Environment);
        await terminal.WaitForAsync(s => s.Contains(Prompt, StringComparison.Ordinal), "the prompt");

        // Up twice: the file's first line; Home, Delete and 'n' leave it as it was; End, three Left and 'a' mend it.
        await terminal.TypeAsync(Up + Up + Home + Delete + "n" + End + Left + Left + Left + "a" + Enter);
        await terminal.WaitForAsync(s => Ran(s, 1), "node status run");

        await terminal.TypeAsync("exit" + Enter);
        Assert.Equal(0, await terminal.ExitCodeAsync());
        Assert.Equal(["node sttus", "history", "node status"], await File.ReadAllLinesAsync(HistoryFile));
    }

    [Fact]
    public async Task CtrlC_WhileACommandRuns_EndsTheCommand_TheShellReadsOn()
    {
        await using var terminal = PseudoTerminal.Start([Node.Admin, "shell"], Environment);
        await terminal.WaitForAsync(s => s.Contains(Prompt, StringComparison.Ordinal), "the prompt");

        await terminal.TypeAsync("cluster tail" + Enter);
        await terminal.WaitForAsync(s => s.Contains(Node.ClusterAddress, StringComparison.Ordinal), "the tail streaming this member's events");

        await terminal.TypeAsync(CtrlC);
        await terminal.WaitForAsync(s => s[s.LastIndexOf(Node.ClusterAddress, StringComparison.Ordinal)..].Contains(Prompt, StringComparison.Ordinal), "the prompt back after the tail");

        await terminal.TypeAsync("node status" + Enter);
        await terminal.WaitForAsync(s => Ran(s, 1), "node status run");
        await terminal.TypeAsync(CtrlD);
        Assert.Equal(0, await terminal.ExitCodeAsync());
    }

    /// <summary>The command ran <paramref name="times"/> times and the prompt is back after it.</summary>
    private bool Ran(string screen, int times)
    {
        var runs = StatusLine().Matches(screen);
        return runs.Count == times && screen[(runs[^1].Index + Status.Length)..].Contains(Prompt, StringComparison.Ordinal);
    }

    [GeneratedRegex(Status)]
    private static partial Regex StatusLine();
}
