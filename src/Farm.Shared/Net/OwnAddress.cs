using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Farm.Shared.Net;

/// <summary>
/// The address a member bound to a wildcard tells others: the first non-loopback address of an interface
/// that is up, of the wildcard's family (IPv4 first for <c>::</c>, which also takes IPv4). In a container or a
/// network namespace with one link that is the member's own address on the farm network; an advertised
/// 0.0.0.0 or 127.0.0.1 would send other members and DNS clients to themselves.
/// </summary>
public static class OwnAddress
{
    public static bool IsWildcard(string host) =>
        IPAddress.TryParse(host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    /// <summary>The address to advertise for <paramref name="wildcard"/> among this machine's interfaces; throws when there is none.</summary>
    public static IPAddress For(string wildcard) =>
        Choose(IPAddress.Parse(wildcard), NetworkInterface.GetAllNetworkInterfaces()
            .Where(link => link.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown && link.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(link => link.GetIPProperties().UnicastAddresses.Select(unicast => unicast.Address)))
        ?? throw new InvalidOperationException(
            $"Farm:Cluster:Hostname {wildcard} is a wildcard and this machine has no non-loopback address to advertise; set Farm:Cluster:PublicHostname.");

    /// <summary>The pure choice among <paramref name="candidates"/>, in the machine's interface order.</summary>
    public static IPAddress? Choose(IPAddress wildcard, IEnumerable<IPAddress> candidates)
    {
        var usable = candidates.Where(address => !IPAddress.IsLoopback(address) && !address.IsIPv6LinkLocal).ToList();
        var v4 = usable.FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork);
        return wildcard.AddressFamily == AddressFamily.InterNetwork ? v4 : v4 ?? usable.FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetworkV6);
    }
}
