using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Net;

/// <summary>
/// The unit a per-source cap or throttle counts: by default an IPv4 address, or an IPv6 /64, since
/// one host commonly holds a whole /64 and could otherwise step around any per-address count.
/// </summary>
public readonly record struct SourceKey(UInt128 Value, bool IsV6)
{
    /// <summary>Every loopback address (127.0.0.0/8, ::1) is this host, so they count as one source.</summary>
    private static readonly SourceKey Loopback = new(0x7F000000, false);

    /// <summary>An IPv4 address, or an IPv6 address's /64.</summary>
    public static SourceKey Of(IPAddress address) => Masked(address, 32, 64);

    /// <summary>
    /// The group a node's per-source caps count: the loopback addresses as one, else the address cut
    /// to <paramref name="prefixes"/>, so a host or subnet holding many addresses counts once.
    /// </summary>
    public static SourceKey Of(IPAddress address, SourcePrefixLengths prefixes)
    {
        ArgumentNullException.ThrowIfNull(address);
        return IPAddress.IsLoopback(address.Unmapped()) ? Loopback : Masked(address, prefixes.Ipv4, prefixes.Ipv6);
    }

    private static SourceKey Masked(IPAddress address, int ipv4, int ipv6)
    {
        ArgumentNullException.ThrowIfNull(address);
        var unmapped = address.Unmapped();
        Span<byte> bytes = stackalloc byte[16];
        unmapped.TryWriteBytes(bytes, out var written);
        if (unmapped.AddressFamily != AddressFamily.InterNetworkV6)
        {
            var mask = ipv4 == 0 ? 0u : uint.MaxValue << (32 - ipv4);
            return new SourceKey(BinaryPrimitives.ReadUInt32BigEndian(bytes[..written]) & mask, false);
        }

        var mask6 = ipv6 == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - ipv6);
        return new SourceKey(BinaryPrimitives.ReadUInt128BigEndian(bytes) & mask6, true);
    }
}
