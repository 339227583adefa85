using System.CommandLine;
using System.CommandLine.Invocation;
using Farm.Cli.CommandLine;
using Farm.Cli.Shell;

namespace Farm.Cli;

/// <summary>
/// <c>farmctl [host[:port]] &lt;palette&gt; &lt;command&gt; [args] [--json] [--token-file F]</c>, one-shot, or a
/// shell reading commands line by line (like <c>pbm host:port</c>). System.CommandLine parses, helps,
/// suggests and completes; this class picks out the member named in front and maps the outcome to
/// farmctl's exit codes.
/// </summary>
public sealed class FarmCtl(TextReader input, TextWriter output, TextWriter error, Func<string, string?> environment)
{
    private const string SuggestDirective = "[suggest";

    /// <summary>No response files: a word starting with '@' (a user, a Dante group) is a word.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    private CancellationTokenSource? _running;

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        Console.CancelKeyPress += OnCancel;
        try
        {
            var words = args.ToList();
            var commands = CommandTree.TopLevel(CommandTree.Build(new Invocation(input, output, error, environment, MemberWord.DefaultEndpoint), (_, _) => Task.FromResult(0)));
            if (words.Count > 0 && words[0].StartsWith(SuggestDirective, StringComparison.Ordinal))
            {
                return await RunLineAsync(new Invocation(input, output, error, environment, MemberWord.DefaultEndpoint), WithoutMember(words, commands)).ConfigureAwait(false);
            }

            var endpoint = MemberWord.DefaultEndpoint;
            if (words.Count > 0 && MemberWord.IsMember(words[0], words.ElementAtOrDefault(1), commands))
            {
                endpoint = MemberWord.WithPort(words[0]);
                words.RemoveAt(0);
            }

            return await RunLineAsync(new Invocation(input, output, error, environment, endpoint), words).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"farmctl: {e.Message}").ConfigureAwait(false);
            return (int)e.Code;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    /// <summary>Parses and runs one command line (the whole one, or a line of the shell).</summary>
    private async Task<int> RunLineAsync(Invocation invocation, IReadOnlyList<string> words)
    {
        var root = CommandTree.Build(invocation, (parse, _) => ShellAsync(invocation, parse));
        var parse = root.Parse(words.Count > 0 && words[0] == "help" ? [.. words.Skip(1), "--help"] : words, Parsing);
        if (parse.Action is ParseErrorAction)
        {
            await error.WriteLineAsync($"farmctl: {ParseErrors.Line(parse)}").ConfigureAwait(false);
            return (int)ExitCode.Usage;
        }

        var shell = parse.CommandResult.Command == root || parse.CommandResult.Command.Name == InteractiveShell.CommandName;
        if (parse.GetValue(invocation.Options.Interactive) && !shell)
        {
            throw CliException.Usage("-i starts the shell: give it no command");
        }

        using var cancel = new CancellationTokenSource();
        var outer = _running;

        // Ctrl-C ends the running command (a tail, a drain wait); at a piped shell's prompt it ends farmctl (a
        // terminal's prompt reads it as a key that drops the line).
        _running = shell ? null : cancel;
        try
        {
            var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(configuration, cancel.Token).ConfigureAwait(false);
        }
        finally
        {
            _running = outer;
        }
    }

    private async Task<int> ShellAsync(Invocation invocation, ParseResult parse)
    {
        if (invocation.Shell is not null)
        {
            throw CliException.Usage("already in the shell");
        }

        invocation.Shell = await invocation.ShellDefaultsAsync(parse).ConfigureAwait(false);
        var history = ShellHistory.Open(ShellHistory.PathFrom(environment), error);
        ILineReader lines = Console.IsInputRedirected
            ? new PipedLineReader(input)
            : new TerminalLineReader(Console.IsOutputRedirected ? error : output, $"farmctl {invocation.Endpoint}> ", history, text => Completions(invocation, text));
        return await new InteractiveShell(lines, output, history, words => RunShellLineAsync(invocation, words)).RunAsync().ConfigureAwait(false);
    }

    /// <summary>What may stand at the end of <paramref name="text"/> typed in the shell: the shell's own words first, then the tree's.</summary>
    private static IEnumerable<string> Completions(Invocation invocation, string text)
    {
        var tree = CommandTree.Build(invocation, (_, _) => Task.FromResult(0)).Parse(text, Parsing).GetCompletions(text.Length).Select(c => c.Label);
        return text.TrimStart().Contains(' ', StringComparison.Ordinal) ? tree : tree.Concat(InteractiveShell.Words);
    }

    /// <summary>In the shell a failed command is reported and the shell reads on.</summary>
    private async Task<int> RunShellLineAsync(Invocation invocation, IReadOnlyList<string> words)
    {
        try
        {
            return await RunLineAsync(invocation, words).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"farmctl: {e.Message}").ConfigureAwait(false);
            return (int)e.Code;
        }
    }

    /// <summary>
    /// <c>[suggest:N] "words"</c> with a member in front of the words: completes the words after it, the
    /// position moved back by what was cut.
    /// </summary>
    private static List<string> WithoutMember(List<string> words, IReadOnlySet<string> commands)
    {
        if (words.Count != 2)
        {
            return words;
        }

        var text = words[1];
        var start = text.Length - text.TrimStart().Length;
        var end = text.IndexOfAny([' ', '\t'], start);
        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (end < 0 || parts.Length == 0 || !MemberWord.IsMember(parts[0], parts.ElementAtOrDefault(1), commands))
        {
            return words;
        }

        var cut = end + 1;
        var directive = words[0];
        var colon = directive.IndexOf(':', StringComparison.Ordinal);
        var position = colon > 0 && int.TryParse(directive[(colon + 1)..^1], out var p) ? p : text.Length;
        return [$"{SuggestDirective}:{Math.Max(0, position - cut)}]", text[cut..]];
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_running is { } running)
        {
            // Ctrl-C ends the running command and lets farmctl exit cleanly.
            e.Cancel = true;
            running.Cancel();
        }
    }
}
