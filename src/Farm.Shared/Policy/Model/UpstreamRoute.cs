namespace Farm.Shared.Policy;

/// <summary>
/// Chain through an upstream SOCKS5 proxy. The credentials are the farm's own account at the upstream,
/// which must be presented in clear, so they are stored as written.
/// </summary>
public sealed record UpstreamRoute(string Host, int Port, string? User, string? Password) : RouteTarget;
