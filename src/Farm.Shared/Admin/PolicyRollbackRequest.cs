namespace Farm.Shared.Admin;

/// <summary>The version to restore; null means the one before the current.</summary>
public sealed record PolicyRollbackRequest(long? Version);
