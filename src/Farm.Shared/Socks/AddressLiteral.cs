using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Farm.Shared.Socks;

/// <summary>
/// A requested name that is an IP address in any form a resolver would read as one (<c>127.1</c>,
/// <c>0x7f.1</c>, <c>2130706433</c>, <c>[::1]</c>, <c>fe80::1%lo</c>), so that it is decided as that address
/// whatever its route, never as a name.
/// </summary>
public static class AddressLiteral
{
    public static bool TryParse(string? host, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var text = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (!IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }

        // The zone only picks an interface; the policy decides the address itself.
        address = parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && parsed.ScopeId != 0
            ? new IPAddress(parsed.GetAddressBytes())
            : parsed;
        return true;
    }
}
