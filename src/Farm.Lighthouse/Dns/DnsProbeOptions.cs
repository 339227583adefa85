namespace Farm.Lighthouse.Dns;

/// <summary>
/// How the lighthouse checks each node's SOCKS listeners before handing them out, bound from
/// <c>Farm:Dns:Probe</c>: a TCP connect and a SOCKS5 greeting per advertised endpoint.
/// </summary>
public sealed class DnsProbeOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Time between the starts of two probe rounds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one probe may take, connect and greeting reply together.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Consecutive failed rounds that take a node out of DNS; one passing round puts it back.</summary>
    public int FailuresToDrop { get; set; } = 2;
}
