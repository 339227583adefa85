namespace Farm.Cli.Import;

/// <summary>One <c>key: words...</c> of a Dante configuration, global or inside a rule block.</summary>
public sealed record DanteSetting(int Line, string Key, IReadOnlyList<string> Words);
