namespace Farm.Shared.Policy;

/// <summary>Where a route sends matching connections.</summary>
public abstract record RouteTarget;
