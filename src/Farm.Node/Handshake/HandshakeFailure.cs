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
    UnsupportedCommand,
    UnsupportedAddressType,
    Killed,
}
