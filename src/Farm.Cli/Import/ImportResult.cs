namespace Farm.Cli.Import;

/// <summary>The Farm policy text converted from another server's configuration, and what could not be converted.</summary>
public sealed record ImportResult(string Text, IReadOnlyList<ImportProblem> Problems);
