using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Farm.Admin.Access;

/// <summary>The admin endpoint's first middleware: the browser checks, then the token, before any route runs.</summary>
public sealed class AdminGate(BrowserGuard guard, AdminTokenCheck token)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var refusal = guard.Check(Describe(context)) ?? token.Check(context);
        if (refusal is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        await AdminHttp.Error(refusal.Status, refusal.Reason).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static AdminRequest Describe(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        var local = new IPEndPoint(context.Connection.LocalIpAddress ?? IPAddress.None, context.Connection.LocalPort);
        return new AdminRequest(
            request.Method,
            headers.Host.ToString(),
            headers.ContainsKey(HeaderNames.Origin) || headers.ContainsKey("Sec-Fetch-Site"),
            headers.ContentType.Count > 0 ? headers.ContentType.ToString() : null,
            request.ContentLength,
            local);
    }
}
