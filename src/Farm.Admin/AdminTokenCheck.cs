using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Farm.Admin;

/// <summary>Refuses every request without the configured bearer token, before any route runs.</summary>
public sealed class AdminTokenCheck(string? token)
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_expected is null || Presented(context) is { } presented && CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var reason = context.Request.Headers.Authorization.Count == 0 ? "no bearer token" : "wrong token";
        await AdminHttp.Error(StatusCodes.Status401Unauthorized, $"unauthorized: {reason}").ExecuteAsync(context).ConfigureAwait(false);
    }

    private static byte[]? Presented(HttpContext context)
    {
        const string scheme = "Bearer ";
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()) : null;
    }
}
