namespace Farm.Cli;

/// <summary>One line of a stats breakdown: a client, user, destination, rule, node or outcome.</summary>
public sealed record StatsCount(string Key, int Count, long BytesUp, long BytesDown);
