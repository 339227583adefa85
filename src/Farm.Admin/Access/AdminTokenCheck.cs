using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Farm.Admin.Access;

/// <summary>
/// Compares the presented bearer token with the member's in constant time. Until the member's token
/// is known (a generated one is read after the port is bound) every request is refused.
/// </summary>
public sealed class AdminTokenCheck
{
    private volatile byte[]? _expected;

    public void Use(string token) => _expected = Encoding.UTF8.GetBytes(token);

    /// <summary>The refusal, or null when the request carries the member's token.</summary>
    public AdminRefusal? Check(HttpContext context)
    {
        var expected = _expected;
        if (expected is null)
        {
            return AdminRefusal.Unauthorized("the admin token is not ready yet");
        }

        if (Presented(context) is { } presented && CryptographicOperations.FixedTimeEquals(presented, expected))
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
