namespace Farm.Shared.Policy;

/// <summary>The verdict on a SOCKS request; <see cref="Rule"/> is null when no rule matched (blocked by default).</summary>
public readonly record struct RequestDecision(PolicyAction Action, PolicyRuleInfo? Rule);
