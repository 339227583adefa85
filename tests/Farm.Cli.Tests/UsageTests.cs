using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Farm.Cli.Tests.Support;

namespace Farm.Cli.Tests;

/// <summary>
/// What System.CommandLine gives the real farmctl process: help per command, --version, typo corrections,
/// bash and zsh completion through the [suggest] directive, and the default admin port after a bare host.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UsageTests
{
    public static TheoryData<string> Commands() =>
    [
        "cluster", "cluster show", "cluster status", "cluster leader", "cluster join", "cluster leave", "cluster down", "cluster down-unreachable", "cluster tail",
        "policy", "policy show", "policy apply", "policy test", "policy history", "policy rollback", "policy reload", "policy status", "policy diff",
        "policy hash-password", "policy check", "policy import",
        "node", "node drain", "node undrain", "node status",
        "sessions", "sessions list", "sessions kill",
        "stats", "client-config", "certs", "certs init", "certs issue", "completion", "shell",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_UsageOnStandardOutputExitZero(string command)
    {
        var help = await Farmctl.RunAsync([.. command.Split(' '), "--help"], null);
        var shortHelp = await Farmctl.RunAsync([.. command.Split(' '), "-h"], null);

        Assert.True(help.ExitCode == 0, help.Error);
        Assert.Contains($"farmctl {command}", help.Output, StringComparison.Ordinal);
        Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, help.Error);
        Assert.Equal(0, shortHelp.ExitCode);
        Assert.Equal(help.Output, shortHelp.Output);
    }

    [Fact]
    public async Task Help_Root_ListsThePalettesAndExitCodes()
    {
        var help = await Farmctl.RunAsync("-h");
        var word = await Farmctl.RunAsync("help", "node");

        Assert.Equal(0, help.ExitCode);
        Assert.All(["cluster", "policy", "node", "sessions", "stats", "client-config", "certs", "completion", "shell"], palette =>
            Assert.Matches($@"(?m)^  {palette}\b", help.Output));
        Assert.Contains("exit codes: 0 ok, 1 command failed, 2 usage error, 3 member unreachable, 4 unauthorized", help.Output, StringComparison.Ordinal);
        Assert.Equal(0, word.ExitCode);
        Assert.Contains("farmctl node [command] [options]", word.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_IsTheAssemblysInformationalVersion()
    {
        var version = await Farmctl.RunAsync("--version");

        Assert.Equal(0, version.ExitCode);
        var expected = FileVersionInfo.GetVersionInfo(Built.Farmctl).ProductVersion;
        Assert.False(string.IsNullOrEmpty(expected));
        Assert.Equal(expected, version.Output.Trim());
    }

    [Theory]
    [InlineData("clustr|show", "clustr", "'cluster'")]
    [InlineData("polcy|history", "polcy", "'policy'")]
    [InlineData("cluster|shw", "shw", "'show'")]
    [InlineData("node|drian", "drian", "'drain'")]
    public async Task Typo_NamesTheWordAndSuggestsTheCommand_ExitTwo(string words, string typo, string suggestion)
    {
        var result = await Farmctl.RunAsync([.. words.Split('|')], null);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"farmctl: Unrecognized command or argument '{typo}'.", line, StringComparison.Ordinal);
        Assert.Contains($"Did you mean {suggestion}?", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("po", "policy")]
    [InlineData("cluster ", "show|status|leader|join|leave|down|down-unreachable|tail")]
    [InlineData("cluster do", "down|down-unreachable")]
    [InlineData("policy test --cmd ", "connect|bind|udp")]
    [InlineData("client-config --format ", "proxychains|dante|curl|pac")]
    [InlineData("127.0.0.5 no", "node")]
    [InlineData("10.0.0.5:9111 sessions ", "list|kill")]
    public async Task SuggestDirective_Prefix_ListsWhatMayFollow(string typed, string expected)
    {
        var result = await Farmctl.RunAsync($"[suggest:{typed.Length}]", typed);

        Assert.Equal(0, result.ExitCode);
        var suggestions = result.Lines;
        Assert.All(expected.Split('|'), s => Assert.Contains(s, suggestions));
        var prefix = typed.Split(' ')[^1];
        Assert.All(suggestions, s => Assert.StartsWith(prefix, s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompletionBash_ValidScript_CompletesThroughFarmctl()
    {
        var script = await Farmctl.RunAsync("completion", "bash");
        Assert.Equal(0, script.ExitCode);
        using var directory = new TemporaryDirectory();
        var file = directory.Write("farmctl.bash", script.Output);
        Assert.Equal(0, (await RunAsync("bash", "-n", file)).ExitCode);

        // A farmctl on PATH, as an installed one is, for the completion function to call.
        var wrapper = directory.Write("farmctl", $"#!/bin/sh\nexec dotnet '{Built.Farmctl}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var complete = await RunAsync("bash", "-c", $$"""
            PATH='{{directory.Path}}':$PATH
            source '{{file}}'
            complete -p farmctl
            COMP_LINE='farmctl 127.0.0.2 cluster do'; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(farmctl 127.0.0.2 cluster do); COMP_CWORD=3
            _farmctl_complete
            printf 'reply %s\n' "${COMPREPLY[@]}"
            """);

        Assert.True(complete.ExitCode == 0, complete.Error);
        Assert.Contains("-F _farmctl_complete farmctl", complete.Output, StringComparison.Ordinal);
        Assert.Equal(["reply down", "reply down-unreachable"], complete.Output.Split('\n').Where(l => l.StartsWith("reply ", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task CompletionZsh_ValidScript_DefinesTheCompletion()
    {
        var script = await Farmctl.RunAsync("completion", "zsh");
        Assert.Equal(0, script.ExitCode);
        using var directory = new TemporaryDirectory();
        var file = directory.Write("_farmctl", script.Output);

        var syntax = await RunAsync("zsh", "-n", file);
        var loaded = await RunAsync("zsh", "-f", "-c", $"autoload -Uz compinit && compinit -u -d '{directory.Path}/zcompdump' && source '{file}' && print -r -- $_comps[farmctl]");

        Assert.True(syntax.ExitCode == 0, syntax.Error);
        Assert.True(loaded.ExitCode == 0, loaded.Error);
        Assert.Equal("_farmctl", loaded.Output.Trim());
    }

    [Fact]
    public async Task Completion_UnknownShell_UsageError()
    {
        var result = await Farmctl.RunAsync("completion", "fish");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'fish'", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The admin port is 9110 by definition, so this listener takes 9110 itself, on a loopback address of
    /// its own (the first of a few that is free) that no test member uses.
    /// </summary>
    [Fact]
    public async Task HostWithoutPort_ConnectsToTheDefaultAdminPort()
    {
        await using var listener = ListenOnDefaultPort();
        var host = ((IPEndPoint)listener.Endpoint).Address.ToString();
        var farmctl = Farmctl.Start([host, "cluster", "show"]);
        try
        {
            var received = await Eventually.UntilAsync(
                () => Task.FromResult(listener.Received),
                r => r.Contains("\r\n\r\n", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30));

            Assert.StartsWith("GET /cluster/members HTTP/1.1", received, StringComparison.Ordinal);
            Assert.Contains($"Host: {host}:9110", received, StringComparison.Ordinal);
        }
        finally
        {
            await StartedProcesses.StopAsync(farmctl);
        }
    }

    [Theory]
    [InlineData("127.0.0.2:x")]
    [InlineData("127.0.0.2:70000")]
    public async Task BadPort_UsageError(string member)
    {
        var result = await Farmctl.RunAsync(member, "cluster", "show");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{member}' is not a member's admin endpoint", result.Error, StringComparison.Ordinal);
    }

    private static RecordingListener ListenOnDefaultPort()
    {
        for (var last = 231; last < 241; last++)
        {
            try
            {
                return new RecordingListener(new IPEndPoint(IPAddress.Parse($"127.0.0.{last}"), 9110));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Another run holds this one: the next address.
            }
        }

        throw new InvalidOperationException("127.0.0.231-240:9110 are all taken");
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = StartedProcesses.Start(start);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(deadline.Token);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            await StartedProcesses.StopAsync(process);
        }
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("farmctl-usage-");

        public string Path => _directory.FullName;

        public string Write(string name, string text)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
