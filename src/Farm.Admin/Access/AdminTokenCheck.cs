using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Farm.Admin.Access;

/// <summary>Compares the presented bearer token with the member's in constant time.</summary>
public sealed class AdminTokenCheck(string? token)
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

    /// <summary>The refusal, or null when the request carries the member's token.</summary>
    public AdminRefusal? Check(HttpContext context)
    {
        if (_expected is null || Presented(context) is { } presented && CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            return null;
        }

        return AdminRefusal.Unauthorized(context.Request.Headers.Authorization.Count == 0 ? "no bearer token" : "wrong token");
    }

    private static byte[]? Presented(HttpContext context)
    {
        const string scheme = "Bearer ";
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()) : null;
    }
}
