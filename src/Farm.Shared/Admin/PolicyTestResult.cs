namespace Farm.Shared.Admin;

/// <summary>
/// The verdict (pass or block), the rule that decided it, and every stage on the way; <see cref="Warnings"/>
/// are about the policy itself (a name pass shadowing an address block), whatever the request.
/// </summary>
public sealed record PolicyTestResult(string Verdict, string? DecidingRule, long PolicyVersion, IReadOnlyList<PolicyTestStep> Steps, IReadOnlyList<string>? Warnings = null);
