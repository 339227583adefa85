namespace Farm.Shared.Admin;

/// <summary>The policy a node enforces, as text, with where it came from.</summary>
public sealed record PolicyView(long Version, string Author, string Source, DateTimeOffset Time, int Rules, string Text);
