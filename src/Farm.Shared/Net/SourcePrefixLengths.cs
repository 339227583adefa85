namespace Farm.Shared.Net;

/// <summary>How many leading bits of a client address name its source: 32 and 64 count an IPv4 address and an IPv6 /64.</summary>
public readonly record struct SourcePrefixLengths(int Ipv4, int Ipv6)
{
    public static readonly SourcePrefixLengths PerHost = new(32, 64);

    /// <summary>Null when both lengths fit their family, else what is wrong, naming <paramref name="setting"/>.</summary>
    public string? Problem(string setting) =>
        Ipv4 is < 0 or > 32 ? $"{setting}:Ipv4 is {Ipv4}; it must be 0 to 32"
        : Ipv6 is < 0 or > 128 ? $"{setting}:Ipv6 is {Ipv6}; it must be 0 to 128"
        : null;
}
