using System.Net;

namespace Farm.Shared.Net;

/// <summary>
/// Which <c>Host</c> headers an HTTP endpoint of the farm answers: the IP address (and port) the client
/// reached, or a configured name. A page that rebinds its own DNS name to the endpoint's address still
/// sends its own name, so it is refused (DNS rebinding). Pure.
/// </summary>
public sealed class OwnHosts(IEnumerable<string> allowedNames)
{
    private readonly HashSet<string> _names = new(allowedNames.Select(h => h.Trim().TrimEnd('.')), StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="host"/> (the header as sent) names the endpoint reached at <paramref name="local"/>.</summary>
    public bool Accepts(string host, IPEndPoint local)
    {
        if (HostHeader.Parse(host) is not { } parsed || parsed.Port is { } port && port != local.Port)
        {
            return false;
        }

        return parsed.Address is { } address
            ? Normal(address).Equals(Normal(local.Address))
            : _names.Contains(parsed.Name.TrimEnd('.'));
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
