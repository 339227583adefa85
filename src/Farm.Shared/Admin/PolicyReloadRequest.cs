namespace Farm.Shared.Admin;

/// <summary>Re-read the member's policy file and apply it to the farm; the author is recorded with the version.</summary>
public sealed record PolicyReloadRequest(string? Author);
