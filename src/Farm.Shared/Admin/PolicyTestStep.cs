namespace Farm.Shared.Admin;

/// <summary>One stage of a decision (client, auth, request, route): its result, the rule that gave it and why.</summary>
public sealed record PolicyTestStep(string Stage, string Result, string? Rule, int? Line, string Reason);
