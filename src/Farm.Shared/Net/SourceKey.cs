using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Net;

/// <summary>
/// The unit a per-source cap or throttle counts: an IPv4 address, or an IPv6 /64, since one host
/// commonly holds a whole /64 and could otherwise step around any per-address count.
/// </summary>
public readonly record struct SourceKey(UInt128 Value, bool IsV6)
{
    public static SourceKey Of(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var unmapped = address.Unmapped();
        Span<byte> bytes = stackalloc byte[16];
        unmapped.TryWriteBytes(bytes, out var written);
        if (unmapped.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return new SourceKey(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[..written]), false);
        }

        return new SourceKey((UInt128)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]) << 64, true);
    }
}
