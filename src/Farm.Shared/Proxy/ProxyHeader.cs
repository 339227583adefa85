using System.Net;

namespace Farm.Shared.Proxy;

/// <summary>A parsed PROXY protocol header (v1 text or v2 binary); the endpoints only for <see cref="ProxyCommand.Proxy"/>.</summary>
public sealed record ProxyHeader(int Version, ProxyCommand Command, IPEndPoint? Source, IPEndPoint? Destination)
{
    public static ProxyHeader Local(int version) => new(version, ProxyCommand.Local, null, null);
}
