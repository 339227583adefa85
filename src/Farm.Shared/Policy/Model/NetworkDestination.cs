using System.Net;

namespace Farm.Shared.Policy;

/// <summary>An address or CIDR network; matched against the request's (resolved) address only.</summary>
public sealed record NetworkDestination(IPNetwork Network) : Destination;
