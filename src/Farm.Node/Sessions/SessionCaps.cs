using Farm.Node.Options;

namespace Farm.Node.Sessions;

/// <summary>
/// The node's connection caps as enforced: the configured session cap lowered to what the open-files
/// limit allows (two descriptors per session after the reserve), and the per-source caps.
/// </summary>
public sealed record SessionCaps(int MaxSessions, int MaxSessionsPerSource, int MaxPendingHandshakesPerSource, long? DescriptorLimit, int DescriptorSessions)
{
    /// <summary>Pure: <paramref name="descriptorLimit"/> is what the process may open, null when unknown.</summary>
    public static SessionCaps From(SocksOptions options, long? descriptorLimit)
    {
        ArgumentNullException.ThrowIfNull(options);
        var byDescriptors = descriptorLimit is { } limit ? (int)Math.Clamp((limit - options.DescriptorReserve) / 2, 1, int.MaxValue) : int.MaxValue;
        var max = Math.Min(options.MaxSessions, byDescriptors);
        var perSource = options.MaxSessionsPerSource ?? Math.Max(1, max / 10);
        return new SessionCaps(max, perSource, options.MaxPendingHandshakesPerSource, descriptorLimit, byDescriptors);
    }

    /// <summary>The cap in force: a node-wide policy limit replaces the configured one, but never exceeds what the descriptors allow.</summary>
    public int Enforced(int? policyLimit) => policyLimit is { } p ? Math.Min(p, DescriptorSessions) : MaxSessions;

    public string Describe(SocksOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limit = DescriptorLimit is { } l ? $"open-files limit {l} (reserve {options.DescriptorReserve})" : "open-files limit unknown";
        return $"{limit}: sessions {MaxSessions} (Farm:Socks:MaxSessions {options.MaxSessions}), {MaxSessionsPerSource} per source, {MaxPendingHandshakesPerSource} handshakes per source (a source: IPv4 /{options.SourcePrefixLength.Ipv4}, IPv6 /{options.SourcePrefixLength.Ipv6}, loopback as one)";
    }
}
