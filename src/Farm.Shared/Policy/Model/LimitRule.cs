namespace Farm.Shared.Policy;

/// <summary>One <c>limit</c> line.</summary>
public abstract record LimitRule(int Line);
