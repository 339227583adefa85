namespace Farm.Shared.Admin;

/// <summary>A policy to apply; <paramref name="Expected"/> is the version it replaces (null: the version the member enforces).</summary>
public sealed record PolicyApplyRequest(string Text, string? Author, long? Expected = null);
