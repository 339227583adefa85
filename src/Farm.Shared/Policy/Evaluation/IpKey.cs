using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Policy;

/// <summary>
/// An address as a number, IPv4-mapped IPv6 folded to IPv4, so matching is integer comparison and a
/// mapped form cannot slip past an IPv4 rule. Built without allocating (the decision path must not).
/// </summary>
internal readonly record struct IpKey(bool IsV6, UInt128 Value)
{
    public static IpKey From(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4)
        {
            return new IpKey(false, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return value >> 32 == 0xFFFF
            ? new IpKey(false, (uint)value)
            : new IpKey(true, value);
    }

    /// <summary>The literal network, not folded: a mapped network written in a policy stays IPv6.</summary>
    public static (IpKey First, IpKey Last) Range(IPNetwork network)
    {
        Span<byte> bytes = stackalloc byte[16];
        network.BaseAddress.TryWriteBytes(bytes, out var written);
        var bits = written * 8;
        var value = written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
        var hostBits = bits - network.PrefixLength;
        var hostMask = hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var isV6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        return (new IpKey(isV6, value & ~hostMask), new IpKey(isV6, value | hostMask));
    }

    public static bool HasHostBits(IPAddress address, int prefixLength)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        for (var bit = prefixLength; bit < written * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return true;
            }
        }

        return false;
    }
}
