using System.Diagnostics.Metrics;
using Farm.Node.Draining;
using Farm.Node.Policy;
using Farm.Node.Sessions;
using Farm.Node.Sources;
using Farm.Shared.Cluster.Tls;
using Farm.Shared.Discovery;
using Farm.Shared.Replication;
using Farm.Shared.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Farm.Node.Telemetry;

/// <summary>Wires the node's metrics and the shared telemetry endpoint.</summary>
public static class NodeTelemetryHosting
{
    public const string ServiceName = "farm-node";

    public static IServiceCollection AddNodeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFarmTelemetry(configuration, ServiceName, NodeMetrics.MeterName, PolicyMetrics.MeterName, OutboundPeerCheck.MeterName, DiscoveryMetrics.MeterName);
        services.AddSingleton(sp =>
        {
            // Building the meter provider first means it already listens when the first session
            // records, whatever order the hosted services start in; earlier measurements would be lost.
            sp.GetRequiredService<MeterProvider>();
            return new NodeMetrics(
                sp.GetRequiredService<IMeterFactory>(),
                sp.GetRequiredService<PolicyHolder>(),
                sp.GetService<IPolicyEnforcer>(),
                sp.GetRequiredService<SessionCapsInForce>(),
                sp.GetRequiredService<SourceConnections>(),
                sp.GetService<DrainState>() is { } drain ? () => drain.Draining : null);
        });
        return services;
    }
}
