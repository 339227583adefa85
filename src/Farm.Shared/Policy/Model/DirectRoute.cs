namespace Farm.Shared.Policy;

/// <summary>Dial the destination from the node's default source address.</summary>
public sealed record DirectRoute : RouteTarget
{
    public static DirectRoute Instance { get; } = new();
}
