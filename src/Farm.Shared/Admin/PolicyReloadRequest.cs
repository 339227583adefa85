namespace Farm.Shared.Admin;

/// <summary>
/// Re-read the member's policy file and apply it to the farm; the author is recorded with the version,
/// <paramref name="Expected"/> is the version it replaces (null: the one the member enforces).
/// </summary>
public sealed record PolicyReloadRequest(string? Author, long? Expected = null);
