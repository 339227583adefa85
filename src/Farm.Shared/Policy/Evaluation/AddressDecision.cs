using System.Net;

namespace Farm.Shared.Policy;

/// <summary>The decision on one resolved (or requested) address.</summary>
public readonly record struct AddressDecision(IPAddress Address, RequestDecision Decision, bool OnRoute = true);
