namespace Farm.Shared.Policy;

public enum TimeoutKind : byte
{
    /// <summary>From accept until the SOCKS request is decided.</summary>
    Handshake,

    /// <summary>Dialing the destination or the upstream proxy.</summary>
    Connect,

    /// <summary>No byte in either direction.</summary>
    Idle,
}
