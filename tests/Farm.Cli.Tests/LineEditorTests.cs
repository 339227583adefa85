using Farm.Cli.Shell;

namespace Farm.Cli.Tests;

/// <summary>The shell's line editor, key by key, without a terminal.</summary>
public sealed class LineEditorTests
{
    private static readonly string[] Commands = ["cluster", "node", "client-config", "exit"];

    private readonly LineEditor _editor = new(["node status", "cluster show"], text => text.Contains(' ', StringComparison.Ordinal) ? ["show", "members"] : Commands);

    [Fact]
    public void Typing_InsertsAtTheCursor_LeftRightHomeEndMoveIt()
    {
        var line = Press(_editor.Start(), Typed("node tatus"));
        Assert.Equal(new LineState("node tatus", 10, 2, string.Empty), line);

        line = Press(line, Key(ConsoleKey.Home), Key(ConsoleKey.RightArrow), Key(ConsoleKey.End), Key(ConsoleKey.LeftArrow), Key(ConsoleKey.LeftArrow));
        line = Press(line, Key(ConsoleKey.LeftArrow), Key(ConsoleKey.LeftArrow), Key(ConsoleKey.LeftArrow), Char('s'));

        Assert.Equal("node status", line.Text);
        Assert.Equal(6, line.Cursor);
    }

    [Fact]
    public void UpDown_WalkTheHistory_TheNewLineKeptAside_BellAtEitherEnd()
    {
        var line = Press(_editor.Start(), Typed("pol"));

        var up = _editor.Press(line, Key(ConsoleKey.UpArrow));
        Assert.Equal(new LineState("cluster show", 12, 1, "pol"), up.State);
        Assert.Equal(LineRedraw.Line, up.Redraw);

        var top = Press(up.State, Key(ConsoleKey.UpArrow));
        Assert.Equal("node status", top.Text);
        Assert.Equal(LineRedraw.Bell, _editor.Press(top, Key(ConsoleKey.UpArrow)).Redraw);

        var back = Press(top, Key(ConsoleKey.DownArrow), Key(ConsoleKey.DownArrow));
        Assert.Equal(new LineState("pol", 3, 2, "pol"), back);
        Assert.Equal(LineRedraw.Bell, _editor.Press(back, Key(ConsoleKey.DownArrow)).Redraw);
    }

    [Fact]
    public void BackspaceDelete_RemoveBeforeAndUnderTheCursor_BellWhenNothingIsThere()
    {
        var line = Press(_editor.Start(), Typed("nodde"), Key(ConsoleKey.LeftArrow), Key(ConsoleKey.Backspace));
        Assert.Equal(new LineState("node", 3, 2, string.Empty), line);

        line = Press(line, Key(ConsoleKey.Delete));
        Assert.Equal(new LineState("nod", 3, 2, string.Empty), line);
        Assert.Equal(LineRedraw.Bell, _editor.Press(line, Key(ConsoleKey.Delete)).Redraw);
        Assert.Equal("no", Press(line, Char('\x7f')).Text);
        Assert.Equal(LineRedraw.Bell, _editor.Press(_editor.Start(), Key(ConsoleKey.Backspace)).Redraw);
    }

    [Fact]
    public void CtrlAECtrlUK_MoveAndDeleteToEitherEnd()
    {
        var line = Press(_editor.Start(), Typed("node status"), Control('A'));
        Assert.Equal(0, line.Cursor);
        line = Press(line, Control('E'), Key(ConsoleKey.LeftArrow), Key(ConsoleKey.LeftArrow));
        Assert.Equal(9, line.Cursor);

        Assert.Equal(new LineState("us", 0, 2, string.Empty), Press(line, Control('U')));
        Assert.Equal(new LineState("node stat", 9, 2, string.Empty), Press(line, Control('K')));
    }

    [Fact]
    public void CtrlC_DropsTheLine_CtrlD_LeavesOnAnEmptyLineOnly_EnterAccepts()
    {
        var line = Press(_editor.Start(), Typed("node status"), Key(ConsoleKey.UpArrow));

        var cleared = _editor.Press(line, Control('C'));
        Assert.Equal(LineOutcome.Cleared, cleared.Outcome);
        Assert.Equal(_editor.Start(), cleared.State);

        Assert.Equal(LineOutcome.EndOfInput, _editor.Press(_editor.Start(), Control('D')).Outcome);
        var deleted = _editor.Press(Press(line, Control('A')), Control('D'));
        Assert.Equal(LineOutcome.Editing, deleted.Outcome);
        Assert.Equal("luster show", deleted.State.Text);

        var accepted = _editor.Press(line, Key(ConsoleKey.Enter, '\r'));
        Assert.Equal(LineOutcome.Accepted, accepted.Outcome);
        Assert.Equal("cluster show", accepted.State.Text);
    }

    [Fact]
    public void Tab_OneCandidateCompletesWithASpace_SeveralAsFarAsTheyAgree_ThenListed_NoneRings()
    {
        Assert.Equal(new LineState("node ", 5, 2, string.Empty), Press(_editor.Start(), Typed("no"), Tab()));
        Assert.Equal("cluster show ", Press(_editor.Start(), Typed("cluster s"), Tab()).Text);

        var agreed = Press(_editor.Start(), Typed("c"), Tab());
        Assert.Equal("cl", agreed.Text);

        var listed = _editor.Press(agreed, Tab());
        Assert.Equal(["client-config", "cluster"], listed.Candidates);
        Assert.Equal(agreed, listed.State);

        Assert.Equal(LineRedraw.Bell, _editor.Press(Press(_editor.Start(), Typed("x")), Tab()).Redraw);
    }

    [Fact]
    public void ControlCharacters_AreNotInserted()
    {
        var line = Press(_editor.Start(), Typed("node"), Key(ConsoleKey.Escape, '\e'), Char('\x02'), Key(ConsoleKey.F1));
        Assert.Equal(new LineState("node", 4, 2, string.Empty), line);
    }

    private LineState Press(LineState line, params ConsoleKeyInfo[] keys) => keys.Aggregate(line, (state, key) => _editor.Press(state, key).State);

    private LineState Press(LineState line, ConsoleKeyInfo[] typed, params ConsoleKeyInfo[] keys) => Press(line, [.. typed, .. keys]);

    private static ConsoleKeyInfo[] Typed(string text) => [.. text.Select(Char)];

    private static ConsoleKeyInfo Char(char c) =>
        new(c, char.IsAsciiLetter(c) ? (ConsoleKey)char.ToUpperInvariant(c) : c == ' ' ? ConsoleKey.Spacebar : default, shift: false, alt: false, control: false);

    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0') => new(c, key, shift: false, alt: false, control: false);

    private static ConsoleKeyInfo Tab() => Key(ConsoleKey.Tab, '\t');

    /// <summary>Ctrl-letter as the console reads it from a terminal: the control character, the letter's key, Control held.</summary>
    private static ConsoleKeyInfo Control(char letter) => new((char)(letter - 'A' + 1), (ConsoleKey)letter, shift: false, alt: false, control: true);
}
