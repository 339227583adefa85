using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Node.Handshake;

/// <summary>
/// A complete, authenticated request. <paramref name="Pending"/> holds bytes the client sent
/// after the request (optimistic data), to be forwarded once connected.
/// </summary>
public sealed record SocksRequest(
    SocksVersion Version,
    SocksCommand Command,
    SocksDestination Destination,
    AuthMethod Auth,
    string? User,
    byte[]? Pending);
