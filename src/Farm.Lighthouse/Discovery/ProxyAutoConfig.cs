using System.Text;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// The body of <c>GET /proxy.pac</c>: every healthy socks member as a SOCKS5 fallback, starting one
/// further along on every request so browsers that stick to the first entry spread over the farm.
/// Never <c>DIRECT</c>: a browser told to use the farm must not leak around it when the farm is down.
/// </summary>
public sealed class ProxyAutoConfig
{
    public const string Path = "/proxy.pac";
    public const string ContentType = "application/x-ns-proxy-autoconfig";

    private long _rotation;

    /// <param name="fallback">Returned when no member is healthy: the farm name, so the browser fails closed rather than going direct.</param>
    public string Render(IEnumerable<NodeAdvert> nodes, string fallback)
    {
        var proxies = nodes
            .Where(node => node.ServesClients)
            .SelectMany(node => node.Socks)
            .Select(endpoint => $"SOCKS5 {endpoint}")
            .ToArray();
        if (proxies.Length == 0)
        {
            proxies = [$"SOCKS5 {fallback}"];
        }

        var start = (int)((ulong)(Interlocked.Increment(ref _rotation) - 1) % (ulong)proxies.Length);
        var list = string.Join("; ", proxies[start..].Concat(proxies[..start]));
        return new StringBuilder()
            .Append("function FindProxyForURL(url, host) {\n")
            .Append("  return \"").Append(list).Append("\";\n")
            .Append("}\n")
            .ToString();
    }
}
