using Farm.Lighthouse.Dns;
using Farm.Shared.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Farm.Lighthouse.Discovery;

/// <summary>Service discovery and the PAC file on the lighthouse's telemetry endpoint, both read from the current <see cref="FarmDirectory"/>.</summary>
public sealed class DiscoveryRoutes(FarmDirectory directory, LostScrapeTargets lost, ProxyAutoConfig pac, IOptions<DnsOptions> dns) : ITelemetryRoutes
{
    // The SOCKS port browsers are sent to when no member is healthy; RFC 1928's registered port.
    private const int DefaultSocksPort = 1080;

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PrometheusServiceDiscovery.Path, () =>
        {
            var members = directory.Current;
            return Results.Bytes(PrometheusServiceDiscovery.Render(members, lost.Listed(members)), "application/json");
        });
        endpoints.MapGet(ProxyAutoConfig.Path, () =>
            Results.Text(pac.Render(directory.Current, $"{dns.Value.FarmName}.{dns.Value.Domain}:{DefaultSocksPort}"), ProxyAutoConfig.ContentType));
    }
}
