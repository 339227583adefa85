namespace Farm.Lighthouse.Dns;

/// <summary>
/// Caps on DNS over TCP, bound from <c>Farm:Dns:Tcp</c>. UDP clients over the rate limit are told to
/// retry over TCP, so TCP must not be the way around it: connections are capped in total and per
/// source, and each one must send a whole query within <see cref="IdleTimeout"/>.
/// </summary>
public sealed class DnsTcpOptions
{
    /// <summary>Open TCP connections at most, over all sources; more are closed at once.</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>Open TCP connections at most from one IPv4 address or IPv6 /64; more are closed at once.</summary>
    public int MaxConnectionsPerSource { get; set; } = 16;

    /// <summary>
    /// Time a connection has to deliver its next query in full, from accept or from the previous answer; a
    /// connection that sends nothing, or a byte at a time, is closed after it (RFC 7766 lets servers close idle connections).
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Queries answered on one connection before it is closed; the client opens another.</summary>
    public int MaxQueriesPerConnection { get; set; } = 100;
}
