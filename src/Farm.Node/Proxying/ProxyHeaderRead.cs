using Farm.Shared.Proxy;

namespace Farm.Node.Proxying;

/// <summary>The header read at the start of a connection, and the bytes after it (the client's first SOCKS bytes); or why there is none.</summary>
public sealed record ProxyHeaderRead(ProxyHeader? Header, ProxyFailure? Failure, byte[]? Leftover)
{
    public static ProxyHeaderRead Failed(ProxyFailure failure) => new(null, failure, null);
}
