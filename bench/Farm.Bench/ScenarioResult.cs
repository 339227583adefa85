using Farm.Bench.Scenarios;

namespace Farm.Bench;

/// <summary>One scenario run against one target in one round, as written to the JSON results.</summary>
public sealed record ScenarioResult(int Round, string Target, string Scenario, DateTimeOffset At, Metrics Metrics, string? Error);
