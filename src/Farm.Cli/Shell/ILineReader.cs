namespace Farm.Cli.Shell;

/// <summary>Where the shell's lines come from.</summary>
public interface ILineReader
{
    /// <summary>The next line, or null at the end of input.</summary>
    Task<string?> ReadLineAsync();
}
