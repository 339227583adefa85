namespace Farm.Cli.Import;

/// <summary>A construct of the source configuration that has no faithful Farm equivalent, with its line.</summary>
public sealed record ImportProblem(int Line, string Message);
