namespace Farm.Shared.Admin;

public sealed record PolicyHistoryEntry(long Version, string Author, string Source, DateTimeOffset Time, int Rules, bool Current);
