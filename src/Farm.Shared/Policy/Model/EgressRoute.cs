using System.Net;

namespace Farm.Shared.Policy;

/// <summary>Dial the destination from this local source address.</summary>
public sealed record EgressRoute(IPAddress Source) : RouteTarget;
