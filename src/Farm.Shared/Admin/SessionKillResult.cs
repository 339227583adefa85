namespace Farm.Shared.Admin;

public sealed record SessionKillResult(long Id, bool Killed);
