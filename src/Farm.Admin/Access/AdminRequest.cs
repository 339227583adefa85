using System.Net;

namespace Farm.Admin.Access;

/// <summary>What the admin endpoint's browser checks look at in a request, read off the HTTP context.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Host">The Host header as sent; empty when missing.</param>
/// <param name="FromBrowser">Whether it carries a header only browsers send (Origin, Sec-Fetch-Site).</param>
/// <param name="ContentType">The Content-Type header, if any.</param>
/// <param name="ContentLength">The declared body length, if any.</param>
/// <param name="Local">The address and port the client connected to.</param>
public sealed record AdminRequest(string Method, string Host, bool FromBrowser, string? ContentType, long? ContentLength, IPEndPoint Local);
