namespace Farm.Shared.Admin;

public sealed record PolicyMemberVersion(string Member, long Version, string? Digest = null);
