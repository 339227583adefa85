using System.Net.Sockets;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Dialing;

/// <summary>Maps the outbound socket's errors to the SOCKS5 reply a client can act on.</summary>
public static class SocketErrorReplies
{
    public static Socks5Reply ToReply(this SocketError error) => error switch
    {
        SocketError.ConnectionRefused => Socks5Reply.ConnectionRefused,
        SocketError.NetworkUnreachable or SocketError.NetworkDown => Socks5Reply.NetworkUnreachable,
        SocketError.HostUnreachable or SocketError.HostDown or SocketError.HostNotFound
            or SocketError.NoData or SocketError.TryAgain => Socks5Reply.HostUnreachable,
        SocketError.TimedOut => Socks5Reply.TtlExpired,
        SocketError.AddressFamilyNotSupported => Socks5Reply.AddressTypeNotSupported,
        _ => Socks5Reply.GeneralFailure,
    };
}
