namespace Farm.Cli.Shell;

/// <summary>
/// Lines typed at a terminal, key by key through <see cref="LineEditor"/>: the prompt and the line are
/// redrawn on <paramref name="screen"/> after each key. The history is read afresh for every line, so the
/// line just run is the first Up recalls.
/// </summary>
public sealed class TerminalLineReader(TextWriter screen, string prompt, ShellHistory history, Func<string, IEnumerable<string>> complete) : ILineReader
{
    private const string ClearToEnd = "\e[K";

    public Task<string?> ReadLineAsync()
    {
        // Ctrl-C at the prompt is a key that drops the line; while a command runs it stays the signal that ends it.
        Console.TreatControlCAsInput = true;
        try
        {
            return Task.FromResult(ReadLine());
        }
        finally
        {
            Console.TreatControlCAsInput = false;
        }
    }

    private string? ReadLine()
    {
        var editor = new LineEditor([.. history.Lines], complete);
        var line = editor.Start();
        screen.Write(prompt);
        screen.Flush();
        while (true)
        {
            var edit = editor.Press(line, Console.ReadKey(intercept: true));
            line = edit.State;
            switch (edit.Outcome)
            {
                case LineOutcome.Accepted:
                    screen.Write("\r\n");
                    screen.Flush();
                    return line.Text;
                case LineOutcome.EndOfInput:
                    screen.Write("\r\n");
                    screen.Flush();
                    return null;
                case LineOutcome.Cleared:
                    screen.Write($"^C\r\n{prompt}");
                    break;
                default:
                    Show(edit);
                    break;
            }

            screen.Flush();
        }
    }

    private void Show(LineEdit edit)
    {
        if (edit.Candidates.Count > 0)
        {
            screen.Write($"\r\n{string.Join("  ", edit.Candidates)}\r\n");
        }

        switch (edit.Redraw)
        {
            case LineRedraw.Bell:
                screen.Write('\a');
                break;
            case LineRedraw.Line:
                // From the line's start: fine for lines narrower than the terminal, which commands are.
                var back = edit.State.Text.Length - edit.State.Cursor;
                screen.Write($"\r{prompt}{edit.State.Text}{ClearToEnd}{(back > 0 ? $"\e[{back}D" : string.Empty)}");
                break;
        }
    }
}
