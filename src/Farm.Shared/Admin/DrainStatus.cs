namespace Farm.Shared.Admin;

public sealed record DrainStatus(bool Draining, int OpenSessions, DateTimeOffset? Deadline, string Message);
