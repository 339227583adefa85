namespace Farm.Cli.Shell;

/// <summary>What the terminal must show after a key.</summary>
public enum LineRedraw
{
    /// <summary>Nothing changed.</summary>
    None,

    /// <summary>The prompt and the line again, the cursor put back in its place.</summary>
    Line,

    /// <summary>The key did nothing (no earlier line, nothing to delete, no completion): ring the bell.</summary>
    Bell,
}
