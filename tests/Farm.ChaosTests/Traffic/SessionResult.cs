namespace Farm.ChaosTests.Traffic;

/// <summary>One session of the continuous traffic: through which node, when, and how it ended.</summary>
public sealed record SessionResult(int Node, TimeSpan Started, TimeSpan Ended, SessionOutcome Outcome, long Bytes, string? Error);
