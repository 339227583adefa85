namespace Farm.Node.Proxying;

/// <summary>Why a PROXY listener closed a connection before its client was known; the record's outcome is <c>proxy-</c> and this in kebab-case.</summary>
public enum ProxyFailure
{
    /// <summary>The connection came from outside the listener's trusted proxies: nothing was read.</summary>
    Untrusted,
    HeaderMissing,
    HeaderMalformed,

    /// <summary>A v2 header for UDP, UNIX sockets or an unspecified family.</summary>
    FamilyUnsupported,
    HeaderTimeout,
    ClientClosed,
    Killed,
}
