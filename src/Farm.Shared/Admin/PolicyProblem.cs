namespace Farm.Shared.Admin;

/// <summary>One error in policy text; line and column are 1-based.</summary>
public sealed record PolicyProblem(int Line, int Column, string Message);
