using System.Net;
using Farm.Shared.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Farm.Shared.Telemetry;

/// <summary>
/// Keeps web pages away from <c>/metrics</c>, <c>/healthz</c> and the lighthouse's discovery routes, as
/// the admin endpoint does: a request a page made (an <c>Origin</c>, or <c>Sec-Fetch-Site</c> other than
/// <c>none</c>, which marks an address the user typed) gets 403, and a <c>Host</c> other than the address
/// reached or a name in <c>Farm:Telemetry:AllowedHosts</c> gets 421, so a DNS-rebound page cannot read
/// them. Prometheus sends the target it scrapes as Host, which is the address reached.
/// </summary>
public sealed class TelemetryGuard(IEnumerable<string> allowedHosts)
{
    private readonly OwnHosts _hosts = new(allowedHosts);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        var local = new IPEndPoint(context.Connection.LocalIpAddress ?? IPAddress.None, context.Connection.LocalPort);
        var refusal = Check(headers.Host.ToString(), headers.ContainsKey(HeaderNames.Origin), headers.TryGetValue("Sec-Fetch-Site", out var site) ? site.ToString() : null, local);
        if (refusal is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = refusal.Value.Status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(refusal.Value.Reason + "\n", context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The status and one-line reason to refuse with, or null to serve the request.</summary>
    public (int Status, string Reason)? Check(string host, bool hasOrigin, string? fetchSite, IPEndPoint local)
    {
        if (hasOrigin || (fetchSite is not null && !string.Equals(fetchSite, "none", StringComparison.OrdinalIgnoreCase)))
        {
            return (StatusCodes.Status403Forbidden, "forbidden: requests from a web page (Origin or Sec-Fetch-Site) are refused");
        }

        return _hosts.Accepts(host, local)
            ? null
            : (StatusCodes.Status421MisdirectedRequest, $"Host '{host}' is neither this endpoint's address nor one of {TelemetryOptions.Section}:AllowedHosts");
    }
}
