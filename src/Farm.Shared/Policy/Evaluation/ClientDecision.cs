namespace Farm.Shared.Policy;

/// <summary>Whether a client may talk to the farm on this listener; <see cref="Rule"/> is null when no client rule matched.</summary>
public readonly record struct ClientDecision(PolicyAction Action, PolicyRuleInfo? Rule);
