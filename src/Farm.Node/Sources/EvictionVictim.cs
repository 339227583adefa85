namespace Farm.Node.Sources;

/// <summary>Which connection of the chosen source gives way.</summary>
public enum EvictionVictim
{
    /// <summary>Its oldest unfinished handshake.</summary>
    Handshake,

    /// <summary>Its relaying session idle the longest, idle at least <c>Farm:Socks:EvictIdleAfter</c>.</summary>
    IdleRelay,
}
