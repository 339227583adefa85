namespace Farm.Shared.Policy;

/// <summary>How to reach a destination; <see cref="DirectRoute"/> with a null <see cref="Rule"/> when no route matched.</summary>
public readonly record struct RouteDecision(RouteTarget Target, PolicyRuleInfo? Rule);
