using Akka.Hosting;
using Farm.Lighthouse.Cluster;
using Farm.Shared.Cluster;
using Farm.Shared.Discovery;
using Farm.Shared.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// What a lighthouse advertises: no SOCKS endpoint, its bound telemetry endpoint (so Prometheus
/// discovers lighthouses too) and a name from <c>Farm:SessionLog:NodeName</c>, the key nodes use,
/// so one setting names every kind of member; the host name otherwise.
/// </summary>
public static class LighthouseAdvertisementHosting
{
    public const string NameKey = "Farm:SessionLog:NodeName";

    public static AkkaConfigurationBuilder AddLighthouseAdvertiser(this AkkaConfigurationBuilder builder) =>
        builder.AddAdvertiser(services =>
        {
            var clusterHost = services.GetRequiredService<IOptions<FarmClusterOptions>>().Value.AdvertisedHostname;
            var metrics = services.GetRequiredService<TelemetryServer>().Endpoint;
            return new NodeAdvertisement(
                AdvertisedName.From(services.GetRequiredService<IConfiguration>()[NameKey]),
                LighthouseHosting.Role,
                [],
                metrics is null ? null : AdvertisedAddress.Concrete(metrics, advertised: null, clusterHost),
                Draining: false);
        });
}
