namespace Farm.Shared.Policy;

/// <summary>An inclusive range of TCP/UDP ports; a single port has <see cref="First"/> == <see cref="Last"/>.</summary>
public readonly record struct PortRange(int First, int Last)
{
    public bool Contains(int port) => port >= First && port <= Last;

    public override string ToString() => First == Last ? $"{First}" : $"{First}-{Last}";
}
