namespace Farm.Node.Udp;

/// <summary>Why the UDP relay dropped a datagram.</summary>
public enum UdpDropReason
{
    /// <summary>From neither the client nor a destination the client has sent to.</summary>
    ForeignSource,

    /// <summary>FRAG != 0: fragmentation is not supported (RFC 1928 allows dropping).</summary>
    Fragment,

    Malformed,
    Policy,
    Unresolved,
    SendFailed,

    /// <summary>Over the session's <c>limit bandwidth</c> in its direction.</summary>
    Bandwidth,
}
