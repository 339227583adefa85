using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Socks;

/// <summary>A destination as a client asked for it: an IP address or a host name (never both), and a port.</summary>
public readonly record struct SocksDestination(IPAddress? Address, string? Host, ushort Port)
{
    public static SocksDestination FromAddress(IPAddress address, ushort port)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new SocksDestination(address, null, port);
    }

    public static SocksDestination FromHost(string host, ushort port)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new SocksDestination(null, host, port);
    }

    public bool IsHost => Host is not null;

    /// <summary>"1.2.3.4:80", "[::1]:80" or "example.com:443".</summary>
    public override string ToString()
    {
        if (Host is not null)
        {
            // A client may send an IPv6 literal as a "domain name"; brackets keep the port unambiguous.
            return Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
        }

        if (Address is null)
        {
            return $":{Port}";
        }

        return Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
    }
}
