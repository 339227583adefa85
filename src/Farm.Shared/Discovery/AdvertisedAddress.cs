using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Farm.Shared.Discovery;

/// <summary>
/// Turns a bound endpoint into one another host can dial. A wildcard bind (0.0.0.0, ::) names no
/// address, so it takes, in order: the configured advertised address, the address the member gives
/// the cluster (other members already reach it there), then the first non-loopback address of an
/// interface that is up.
/// </summary>
public static class AdvertisedAddress
{
    public static IPEndPoint Concrete(IPEndPoint bound, string? advertised, string? clusterHost)
    {
        if (Parse(advertised) is { } configured)
        {
            return new IPEndPoint(configured, bound.Port);
        }

        if (!IsWildcard(bound.Address))
        {
            return bound;
        }

        var family = bound.Address.AddressFamily;
        var address = Parse(clusterHost) is { } cluster && !IsWildcard(cluster) ? cluster : FirstInterfaceAddress(family);
        return new IPEndPoint(address, bound.Port);
    }

    private static IPAddress? Parse(string? text) =>
        !string.IsNullOrWhiteSpace(text) && IPAddress.TryParse(text, out var address) ? address : null;

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static IPAddress FirstInterfaceAddress(AddressFamily family) =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(address => address.AddressFamily == family && !address.IsIPv6LinkLocal)
        ?? (family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
}
