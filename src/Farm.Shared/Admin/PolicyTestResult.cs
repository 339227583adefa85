namespace Farm.Shared.Admin;

/// <summary>The verdict (pass or block), the rule that decided it, and every stage on the way.</summary>
public sealed record PolicyTestResult(string Verdict, string? DecidingRule, long PolicyVersion, IReadOnlyList<PolicyTestStep> Steps);
