using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Dialing;

/// <summary>
/// Resolves a destination name on the node. A name that is an IP literal ("0.0.0.0", "::", "127.1") is
/// that address and is never sent to DNS: the runtime's resolver throws ArgumentException for some
/// (found by an outsider's attack: "0.0.0.0" reset the session with a stack trace in the log).
/// </summary>
public static class NameResolver
{
    /// <exception cref="SocketException">The name does not resolve (HostNotFound, NoData, ...).</exception>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancel)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        try
        {
            return await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }
    }
}
