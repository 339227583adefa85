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
    UnsupportedCommand,
    UnsupportedAddressType,
    Killed,
}
