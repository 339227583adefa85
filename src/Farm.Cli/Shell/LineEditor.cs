namespace Farm.Cli.Shell;

/// <summary>
/// Readline-like editing of one line, pure: a key and the line so far give the next line and what to
/// redraw, so it is tested without a terminal. Up/Down walk <paramref name="history"/>, Left/Right/Home/
/// End/Ctrl-A/Ctrl-E move, Backspace/Delete/Ctrl-U/Ctrl-K delete, Ctrl-C drops the line, Ctrl-D on an
/// empty line leaves, Tab completes the word before the cursor from <paramref name="complete"/> (which
/// gets the text before the cursor and returns the words that may stand there).
/// </summary>
public sealed class LineEditor(IReadOnlyList<string> history, Func<string, IEnumerable<string>> complete)
{
    /// <summary>An empty new line, below the last history line.</summary>
    public LineState Start() => new(string.Empty, 0, history.Count, string.Empty);

    public LineEdit Press(LineState line, ConsoleKeyInfo key)
    {
        if (key.Key == ConsoleKey.Enter || key.KeyChar is '\r' or '\n')
        {
            return new LineEdit(line, LineOutcome.Accepted, LineRedraw.None, []);
        }

        if (IsControl(key, 'C'))
        {
            return new LineEdit(Start(), LineOutcome.Cleared, LineRedraw.None, []);
        }

        if (IsControl(key, 'D'))
        {
            return line.Text.Length == 0 ? new LineEdit(line, LineOutcome.EndOfInput, LineRedraw.None, []) : DeleteAtCursor(line);
        }

        if (IsControl(key, 'A'))
        {
            return LineEdit.Edited(line with { Cursor = 0 });
        }

        if (IsControl(key, 'E'))
        {
            return LineEdit.Edited(line with { Cursor = line.Text.Length });
        }

        if (IsControl(key, 'U'))
        {
            return LineEdit.Edited(line with { Text = line.Text[line.Cursor..], Cursor = 0 });
        }

        if (IsControl(key, 'K'))
        {
            return LineEdit.Edited(line with { Text = line.Text[..line.Cursor] });
        }

        return key.Key switch
        {
            ConsoleKey.UpArrow => Recall(line, line.HistoryIndex - 1),
            ConsoleKey.DownArrow => Recall(line, line.HistoryIndex + 1),
            ConsoleKey.LeftArrow => line.Cursor > 0 ? LineEdit.Edited(line with { Cursor = line.Cursor - 1 }) : LineEdit.Bell(line),
            ConsoleKey.RightArrow => line.Cursor < line.Text.Length ? LineEdit.Edited(line with { Cursor = line.Cursor + 1 }) : LineEdit.Bell(line),
            ConsoleKey.Home => LineEdit.Edited(line with { Cursor = 0 }),
            ConsoleKey.End => LineEdit.Edited(line with { Cursor = line.Text.Length }),
            ConsoleKey.Delete => DeleteAtCursor(line),
            ConsoleKey.Tab => Complete(line),
            _ when key.Key == ConsoleKey.Backspace || key.KeyChar is '\b' or '\x7f' => DeleteBeforeCursor(line),
            _ when !char.IsControl(key.KeyChar) => LineEdit.Edited(Insert(line, key.KeyChar.ToString())),
            _ => LineEdit.Unchanged(line),
        };
    }

    /// <summary>Ctrl-letter as the terminal sends it (the control character) or as the console names it.</summary>
    private static bool IsControl(ConsoleKeyInfo key, char letter) =>
        key.KeyChar == (char)(letter - 'A' + 1) || ((key.Modifiers & ConsoleModifiers.Control) != 0 && key.Key == (ConsoleKey)letter);

    /// <summary>Shows history line <paramref name="index"/>, or the new line kept aside past the last one.</summary>
    private LineEdit Recall(LineState line, int index)
    {
        if (index < 0 || index > history.Count)
        {
            return LineEdit.Bell(line);
        }

        var draft = line.HistoryIndex == history.Count ? line.Text : line.Draft;
        var text = index == history.Count ? draft : history[index];
        return LineEdit.Edited(new LineState(text, text.Length, index, draft));
    }

    private static LineEdit DeleteAtCursor(LineState line) =>
        line.Cursor < line.Text.Length ? LineEdit.Edited(line with { Text = line.Text.Remove(line.Cursor, 1) }) : LineEdit.Bell(line);

    private static LineEdit DeleteBeforeCursor(LineState line) =>
        line.Cursor > 0 ? LineEdit.Edited(line with { Text = line.Text.Remove(line.Cursor - 1, 1), Cursor = line.Cursor - 1 }) : LineEdit.Bell(line);

    private static LineState Insert(LineState line, string text) =>
        line with { Text = line.Text.Insert(line.Cursor, text), Cursor = line.Cursor + text.Length };

    /// <summary>
    /// One candidate is completed with a space after it; several are completed as far as they agree, and
    /// listed when they agree no further than what is typed.
    /// </summary>
    private LineEdit Complete(LineState line)
    {
        var before = line.Text[..line.Cursor];
        var word = before[(before.LastIndexOf(' ') + 1)..];
        var candidates = complete(before)
            .Where(c => c.StartsWith(word, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
        {
            return LineEdit.Bell(line);
        }

        if (candidates.Count == 1)
        {
            var atWordEnd = line.Cursor == line.Text.Length || line.Text[line.Cursor] != ' ';
            return LineEdit.Edited(Insert(line, candidates[0][word.Length..] + (atWordEnd ? " " : string.Empty)));
        }

        var common = CommonPrefix(candidates);
        return common.Length > word.Length
            ? LineEdit.Edited(Insert(line, common[word.Length..]))
            : new LineEdit(line, LineOutcome.Editing, LineRedraw.Line, candidates);
    }

    private static string CommonPrefix(IReadOnlyList<string> words)
    {
        var length = words.Min(w => w.Length);
        for (var i = 0; i < length; i++)
        {
            if (words.Any(w => w[i] != words[0][i]))
            {
                return words[0][..i];
            }
        }

        return words[0][..length];
    }
}
