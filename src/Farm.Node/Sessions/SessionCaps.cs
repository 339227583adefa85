using Farm.Node.Dialing;
using Farm.Node.Listening;
using Farm.Node.Options;

namespace Farm.Node.Sessions;

/// <summary>
/// The node's connection caps as enforced: the configured session cap lowered to what the open-files
/// limit allows (two descriptors per session after the reserve), and the per-source caps. The reserve
/// is what the process held once started (<paramref name="OpenAtStart"/>) plus <see cref="Margin"/> for
/// what it may still open, never less than <c>Farm:Socks:DescriptorReserve</c>.
/// </summary>
public sealed record SessionCaps(int MaxSessions, int MaxSessionsPerSource, int MaxPendingHandshakesPerSource, long? DescriptorLimit, int DescriptorSessions, int Reserve, int? OpenAtStart)
{
    /// <summary>
    /// Descriptors the node may open after start besides its sessions: accepted sockets waiting for
    /// admission (<see cref="AcceptPlaces.Places"/>), admin and telemetry connections (64), name lookups
    /// (<see cref="NameResolver.LookupPlaces"/>, two sockets each), dial attempts beside each request's first (<see cref="DialLimits.ExtraPlaces"/>), and log
    /// rotation, certificate reloads and the runtime (32).
    /// </summary>
    public const int Margin = AcceptPlaces.Places + 64 + (NameResolver.LookupPlaces * NameResolver.DescriptorsPerLookup) + DialLimits.ExtraPlaces + 32;

    /// <summary>
    /// Pure: <paramref name="descriptorLimit"/> is what the process may open, null when unknown;
    /// <paramref name="openAtStart"/> the descriptors it held once started, null before it is measured.
    /// </summary>
    public static SessionCaps From(SocksOptions options, long? descriptorLimit, int? openAtStart = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reserve = openAtStart is { } open ? Math.Max(options.DescriptorReserve, open + Margin) : options.DescriptorReserve;
        var byDescriptors = descriptorLimit is { } limit ? (int)Math.Clamp((limit - reserve) / 2, 1, int.MaxValue) : int.MaxValue;
        var max = Math.Min(options.MaxSessions, byDescriptors);
        var perSource = options.MaxSessionsPerSource ?? Math.Max(1, max / 10);
        return new SessionCaps(max, perSource, options.MaxPendingHandshakesPerSource, descriptorLimit, byDescriptors, reserve, openAtStart);
    }

    /// <summary>The cap in force: a node-wide policy limit replaces the configured one, but never exceeds what the descriptors allow.</summary>
    public int Enforced(int? policyLimit) => policyLimit is { } p ? Math.Min(p, DescriptorSessions) : MaxSessions;

    public string Describe(SocksOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var measured = OpenAtStart is { } open
            ? $"{open} open at start + {Margin} margin, floor Farm:Socks:DescriptorReserve {options.DescriptorReserve}"
            : $"Farm:Socks:DescriptorReserve, descriptors at start not measured";
        var limit = DescriptorLimit is { } l ? $"open-files limit {l} (reserve {Reserve}: {measured})" : "open-files limit unknown";
        return $"{limit}: sessions {MaxSessions} (Farm:Socks:MaxSessions {options.MaxSessions}), {MaxSessionsPerSource} per source, {MaxPendingHandshakesPerSource} handshakes per source (a source: IPv4 /{options.SourcePrefixLength.Ipv4}, IPv6 /{options.SourcePrefixLength.Ipv6}, loopback as one)";
    }
}
