namespace Farm.Shared.Policy;

/// <summary>What the node does next with a request, after a step of <see cref="DecisionProcedure"/>.</summary>
public enum RequestStep : byte
{
    /// <summary>Reply "not allowed" (0x02); nothing is dialed, listened on or contacted.</summary>
    Refuse,

    /// <summary>Resolve the name, then ask <see cref="DecisionProcedure.OnResolved"/> about its addresses.</summary>
    Resolve,

    /// <summary>Hand the name unresolved to the upstream SOCKS proxy of the route.</summary>
    Forward,

    /// <summary>Use the permitted addresses (dial them, or admit BIND peers from them) by the route.</summary>
    Proceed,

    /// <summary>The name resolved to no address: nothing to decide on (reply host-unreachable).</summary>
    NoAddress,

    /// <summary>Open the UDP relay; each datagram is decided on its own destination.</summary>
    Associate,
}
