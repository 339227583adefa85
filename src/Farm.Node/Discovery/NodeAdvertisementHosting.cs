using Akka.Hosting;
using Farm.Node.Cluster;
using Farm.Node.Draining;
using Farm.Node.Listening;
using Farm.Node.Options;
using Farm.Shared.Cluster;
using Farm.Shared.Discovery;
using Farm.Shared.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Farm.Node.Discovery;

/// <summary>
/// What a node advertises: its bound SOCKS listeners (or <c>Farm:Socks:AdvertisedAddress</c> with
/// their ports, for clients behind NAT), its bound telemetry endpoint, its session-log name and its
/// drain flag. A wildcard bind is made concrete by <see cref="AdvertisedAddress"/>.
/// </summary>
public static class NodeAdvertisementHosting
{
    public static AkkaConfigurationBuilder AddNodeAdvertiser(this AkkaConfigurationBuilder builder) =>
        builder.AddAdvertiser(services =>
        {
            var socks = services.GetRequiredService<IOptions<SocksOptions>>().Value;
            var clusterHost = services.GetRequiredService<IOptions<FarmClusterOptions>>().Value.AdvertisedHostname;
            var metrics = services.GetRequiredService<TelemetryServer>().Endpoint;
            return new NodeAdvertisement(
                AdvertisedName.From(services.GetRequiredService<IOptions<SessionLogOptions>>().Value.NodeName),
                NodeClusterHosting.Role,
                [.. services.GetRequiredService<SocksListenerSockets>().Endpoints.Select(bound => AdvertisedAddress.Concrete(bound, socks.AdvertisedAddress, clusterHost))],
                metrics is null ? null : AdvertisedAddress.Concrete(metrics, advertised: null, clusterHost),
                services.GetRequiredService<DrainState>().Draining);
        });
}
