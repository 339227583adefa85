using System.Net.Http.Headers;
using Farm.Shared.Net;
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
    private readonly OwnHosts _hosts = new(allowedHosts);

    /// <summary>The refusal, or null when the request may go on to the token check.</summary>
    public AdminRefusal? Check(AdminRequest request)
    {
        if (request.FromBrowser)
        {
            return AdminRefusal.FromBrowser;
        }

        if (!_hosts.Accepts(request.Host, request.Local))
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
}
