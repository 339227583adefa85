using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Farm.Admin.Access;

/// <summary>
/// Keeps web pages away from the admin endpoint: a page cannot hide its Origin, cannot make its
/// browser send a Host other than the name it loaded (DNS rebinding), and cannot send
/// <c>application/json</c> across origins without a preflight, which carries an Origin. Pure: the
/// decision depends only on the request's headers and the address it reached.
/// </summary>
public sealed class BrowserGuard(IEnumerable<string> allowedHosts, long maxRequestBytes)
{
    private readonly HashSet<string> _allowedHosts = new(allowedHosts.Select(h => h.Trim().TrimEnd('.')), StringComparer.OrdinalIgnoreCase);

    /// <summary>The refusal, or null when the request may go on to the token check.</summary>
    public AdminRefusal? Check(AdminRequest request)
    {
        if (request.FromBrowser)
        {
            return AdminRefusal.FromBrowser;
        }

        if (!IsOwnHost(request.Host, request.Local))
        {
            return AdminRefusal.ForeignHost(request.Host);
        }

        if (request.ContentLength > maxRequestBytes)
        {
            return AdminRefusal.TooLarge(maxRequestBytes);
        }

        var reads = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        return reads || IsJson(request.ContentType) ? null : AdminRefusal.NotJson;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>An IP literal equal to the address the client reached, or an allowed name; a port, if any, must be the one reached.</summary>
    private bool IsOwnHost(string host, IPEndPoint local)
    {
        if (!TrySplit(host, out var name, out var port) || port is { } p && p != local.Port)
        {
            return false;
        }

        if (IPAddress.TryParse(name, out var address))
        {
            return Normal(address).Equals(Normal(local.Address));
        }

        return _allowedHosts.Contains(name.TrimEnd('.'));
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TrySplit(string host, out string name, out int? port)
    {
        name = host;
        port = null;
        if (host.Length == 0)
        {
            return false;
        }

        // [v6]:port, [v6], name:port, v4:port, name, v4
        var close = host.LastIndexOf(']');
        var colon = host.LastIndexOf(':');
        if (host[0] == '[')
        {
            if (close < 0)
            {
                return false;
            }

            name = host[1..close];
            colon = close + 1 < host.Length && host[close + 1] == ':' ? close + 1 : -1;
            if (colon < 0 && close + 1 != host.Length)
            {
                return false;
            }
        }
        else if (colon >= 0)
        {
            if (host.IndexOf(':') != colon)
            {
                return false;
            }

            name = host[..colon];
        }

        if (colon >= 0)
        {
            if (!int.TryParse(host[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > 65535)
            {
                return false;
            }

            port = parsed;
        }

        return name.Length > 0;
    }
}
