namespace Farm.Cli.Shell;

/// <summary>Lines piped on standard input (a script, a test): read as they are, no prompt, no editing.</summary>
public sealed class PipedLineReader(TextReader input) : ILineReader
{
    public Task<string?> ReadLineAsync() => input.ReadLineAsync();
}
