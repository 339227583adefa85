namespace Farm.Shared.Admin;

/// <summary>The version to restore (null: the one before the current) and the version the rollback replaces (null: the one the member enforces).</summary>
public sealed record PolicyRollbackRequest(long? Version, long? Expected = null);
