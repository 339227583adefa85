namespace Farm.Shared.Proxy;

/// <summary>What a PROXY protocol header says about the connection.</summary>
public enum ProxyCommand
{
    /// <summary>
    /// The proxy's own connection (a v2 LOCAL, such as a health check, or a v1 UNKNOWN): the header carries
    /// no client, and the connection's own addresses are used.
    /// </summary>
    Local,

    /// <summary>Relayed for a client: the header's source is the client.</summary>
    Proxy,
}
