using Microsoft.AspNetCore.Http;

namespace Farm.Admin.Access;

/// <summary>Why the admin endpoint turned a request away before any route ran, with the status it answers.</summary>
public sealed record AdminRefusal(int Status, string Reason)
{
    public static AdminRefusal FromBrowser { get; } = new(StatusCodes.Status403Forbidden, "forbidden: requests from a web page (Origin or Sec-Fetch-Site) are refused");

    public static AdminRefusal TooLarge(long limit) => new(StatusCodes.Status413PayloadTooLarge, $"request body over {limit} bytes");

    public static AdminRefusal NotJson { get; } = new(StatusCodes.Status415UnsupportedMediaType, "a write needs Content-Type: application/json");

    public static AdminRefusal ForeignHost(string host) =>
        new(StatusCodes.Status421MisdirectedRequest, $"Host '{host}' is neither this endpoint's address nor one of Farm:Admin:AllowedHosts");

    public static AdminRefusal Unauthorized(string reason) => new(StatusCodes.Status401Unauthorized, $"unauthorized: {reason}");
}
