using Farm.Shared.Net;

namespace Farm.Node.Options;

/// <summary>
/// How the per-source caps group client addresses, bound from <c>Farm:Socks:SourcePrefixLength</c>:
/// leading bits that name one source. Loopback addresses always count as one source.
/// </summary>
public sealed class SourcePrefixLengthOptions
{
    public const string Setting = "Farm:Socks:SourcePrefixLength";

    /// <summary>32: each IPv4 address is a source; 24: each /24.</summary>
    public int Ipv4 { get; set; } = SourcePrefixLengths.PerHost.Ipv4;

    /// <summary>64: each IPv6 /64 is a source, as one host commonly holds a whole /64.</summary>
    public int Ipv6 { get; set; } = SourcePrefixLengths.PerHost.Ipv6;

    public SourcePrefixLengths Lengths => new(Ipv4, Ipv6);
}
