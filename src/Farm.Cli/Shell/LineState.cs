namespace Farm.Cli.Shell;

/// <summary>
/// The line being typed at the shell's prompt: its text, the cursor's place in it, which history line it
/// shows (<see cref="HistoryIndex"/> equal to the history's length is the new line) and the new line's text
/// kept aside while an earlier one is shown.
/// </summary>
public sealed record LineState(string Text, int Cursor, int HistoryIndex, string Draft);
