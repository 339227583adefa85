using System.Net;

namespace Farm.Shared.Net;

public static class IPAddressExtensions
{
    /// <summary>
    /// The plain IPv4 form of an IPv4-mapped IPv6 address (::ffff:a.b.c.d), otherwise the address
    /// itself: policy checks, peer checks and records see one form, so a mapped address cannot slip
    /// past an IPv4 rule.
    /// </summary>
    public static IPAddress Unmapped(this IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
