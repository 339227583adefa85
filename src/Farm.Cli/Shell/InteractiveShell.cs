using System.CommandLine.Parsing;

namespace Farm.Cli.Shell;

/// <summary>
/// <c>farmctl [host] shell</c>: one command per line, each run through the same parser as a one-shot
/// command line; <c>history</c> lists the lines so far, <c>exit</c>, <c>quit</c> or the end of input leaves.
/// </summary>
public sealed class InteractiveShell(ILineReader input, TextWriter output, ShellHistory history, Func<IReadOnlyList<string>, Task<int>> run)
{
    public const string CommandName = "shell";
    private const string Exit = "exit";
    private const string Quit = "quit";
    private const string HistoryWord = "history";

    /// <summary>The shell's own words, for Tab to complete beside the commands.</summary>
    public static IReadOnlyList<string> Words { get; } = [Exit, Quit, HistoryWord];

    /// <summary>Runs until the end; the exit code is the last command's.</summary>
    public async Task<int> RunAsync()
    {
        var last = 0;
        while (true)
        {
            var line = (await input.ReadLineAsync().ConfigureAwait(false))?.Trim();
            if (line is null or Exit or Quit)
            {
                return last;
            }

            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            history.Add(line);
            if (line == HistoryWord)
            {
                history.Print(output);
                continue;
            }

            last = await run([.. CommandLineParser.SplitCommandLine(line)]).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }
    }
}
