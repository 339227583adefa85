namespace Farm.Cli.Shell;

/// <summary>
/// The result of one key: the new line, what it means for the line, what to redraw, and the completions to
/// list above the prompt when Tab found several.
/// </summary>
public sealed record LineEdit(LineState State, LineOutcome Outcome, LineRedraw Redraw, IReadOnlyList<string> Candidates)
{
    public static LineEdit Edited(LineState state) => new(state, LineOutcome.Editing, LineRedraw.Line, []);

    public static LineEdit Bell(LineState state) => new(state, LineOutcome.Editing, LineRedraw.Bell, []);

    public static LineEdit Unchanged(LineState state) => new(state, LineOutcome.Editing, LineRedraw.None, []);
}
