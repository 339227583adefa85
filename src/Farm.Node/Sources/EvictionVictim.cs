namespace Farm.Node.Sources;

/// <summary>Which connection of the chosen source gives way.</summary>
public enum EvictionVictim
{
    /// <summary>Its oldest unfinished session: a handshake, or a request still waiting for a lookup place, resolving or dialing.</summary>
    Unfinished,

    /// <summary>Its relaying session idle the longest, idle at least <c>Farm:Socks:EvictIdleAfter</c>.</summary>
    IdleRelay,
}
