namespace Farm.Shared.Admin;

/// <summary>The answer of a command that only reports what it did.</summary>
public sealed record AdminMessage(string Message);
