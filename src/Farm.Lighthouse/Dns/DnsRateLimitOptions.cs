namespace Farm.Lighthouse.Dns;

/// <summary>
/// Response-rate limiting of UDP answers per source prefix, bound from <c>Farm:Dns:RateLimit</c>, as
/// BIND's RRL does: the lighthouse is not to be an amplifier for floods with forged sources.
/// </summary>
public sealed class DnsRateLimitOptions
{
    /// <summary>Sustained UDP responses per second to one source prefix; 0 turns limiting off.</summary>
    public double ResponsesPerSecond { get; set; } = 100;

    /// <summary>Responses a quiet prefix may get at once before the rate applies.</summary>
    public double Burst { get; set; } = 200;

    /// <summary>Every Nth limited query gets a truncated reply instead of none; 0 drops them all.</summary>
    public int Slip { get; set; } = 2;

    /// <summary>
    /// IPv4 sources share a bucket per prefix of this length. Per address by default: stub resolvers that do not
    /// cache (curl through glibc) query once per connection, and a busy client host must not lose resolution.
    /// </summary>
    public int Ipv4PrefixLength { get; set; } = 32;

    /// <summary>IPv6 sources share a bucket per prefix of this length (one host usually holds a whole /64).</summary>
    public int Ipv6PrefixLength { get; set; } = 64;

    /// <summary>Prefixes tracked at most; the least recently seen is forgotten first, so forged sources cannot grow the table.</summary>
    public int MaxSources { get; set; } = 65_536;
}
