using System.Net.Sockets;

namespace Farm.Shared.Listening;

/// <summary>A planned listener whose port cannot be had; printed as the one line an operator sees.</summary>
public sealed record PortClash(PlannedListener Listener, SocketError Error)
{
    public string Reason => Error switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "address not available on this host",
        SocketError.AccessDenied => "permission denied",
        _ => Error.ToString(),
    };

    public override string ToString() =>
        $"cannot listen on {Listener.Endpoint} ({Listener.Service}{(Listener.Protocol == ListenProtocol.Udp ? ", UDP" : string.Empty)}): {Reason}";
}
