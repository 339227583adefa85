namespace Farm.Node.Handshake;

/// <summary>Why a handshake ended without a request; any reply owed was already sent.</summary>
public enum HandshakeFailure
{
    None,
    Timeout,
    ClientClosed,
    ClientError,
    UnknownProtocol,
    ProtocolError,
    NoAcceptableMethod,
    AuthenticationFailed,

    /// <summary>No hashing place was free: refused without looking at the password.</summary>
    PasswordOverloaded,

    /// <summary>The source failed too often lately: refused without looking at the password.</summary>
    PasswordThrottled,

    /// <summary>The GSSAPI context failed: a bad token, an expired ticket, a ticket for another service.</summary>
    GssapiFailed,

    /// <summary>The GSSAPI context was sound but no pass rule admits its principal.</summary>
    PrincipalNotAllowed,

    /// <summary>No authentication place was free for a GSSAPI step: refused without looking at the token.</summary>
    GssapiOverloaded,

    /// <summary>The source failed too often lately: refused without looking at the token.</summary>
    GssapiThrottled,
    UnsupportedCommand,
    UnsupportedAddressType,
    Killed,
}
