using System.Globalization;
using System.Net;

namespace Farm.Shared.Admin;

/// <summary>
/// Where a member keeps the admin token it generated when none was configured:
/// <c>&lt;state root&gt;/admin-&lt;listen address&gt;-&lt;port&gt;.token</c>, so that farmctl on the same
/// machine, run by the same user, finds the token of the endpoint it targets.
/// </summary>
public static class AdminTokenFile
{
    /// <summary>The longest token file farmctl or a member reads; a generated token is 43 characters.</summary>
    public const int MaxLength = 4096;

    public static string PathFor(string stateRoot, IPEndPoint endpoint) =>
        Path.Combine(stateRoot, string.Create(CultureInfo.InvariantCulture, $"admin-{Name(endpoint.Address)}-{endpoint.Port}.token"));

    /// <summary>The file for <c>ip:port</c> (IPv6 as <c>[::1]:9110</c>), or null when the endpoint names no IP address.</summary>
    public static string? PathFor(string stateRoot, string endpoint) =>
        IPEndPoint.TryParse(endpoint, out var parsed) && endpoint.Contains(':', StringComparison.Ordinal) ? PathFor(stateRoot, parsed) : null;

    // ':' is legal in Linux file names but not everywhere the state root may be copied to.
    private static string Name(IPAddress address) => address.ToString().Replace(':', '_');
}
