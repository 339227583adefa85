namespace Farm.Cli.Shell;

/// <summary>What a key did to the line as a whole.</summary>
public enum LineOutcome
{
    /// <summary>Still typing.</summary>
    Editing,

    /// <summary>Enter: the line is done.</summary>
    Accepted,

    /// <summary>Ctrl-C: the line is dropped and a fresh prompt starts.</summary>
    Cleared,

    /// <summary>Ctrl-D on an empty line: leave the shell.</summary>
    EndOfInput,
}
