namespace Farm.Shared.Policy;

/// <summary>An exact host name, stored lower-case without a trailing dot; matched against the requested name only.</summary>
public sealed record HostDestination(string Host) : Destination;
