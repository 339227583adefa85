namespace Farm.Shared.Proxy;

/// <summary>Why bytes are not an acceptable PROXY protocol header.</summary>
public enum ProxyHeaderError
{
    None,

    /// <summary>The connection does not start with a v1 or v2 signature.</summary>
    Missing,

    /// <summary>A signature, but the rest breaks the specification (or is longer than accepted).</summary>
    Malformed,

    /// <summary>A v2 PROXY header for a family other than TCP over IPv4 or IPv6 (UDP, UNIX, unspecified).</summary>
    UnsupportedFamily,
}
