using System.Diagnostics.Metrics;
using Akka.Actor;
using Farm.Lighthouse.Discovery;
using Farm.Lighthouse.Dns;
using Farm.Shared.Cluster.Tls;
using Farm.Shared.Discovery;
using Farm.Shared.Replication;
using Farm.Shared.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Farm.Lighthouse.Telemetry;

/// <summary>
/// Wires the lighthouse's metrics and the shared telemetry endpoint. Call it before the
/// subsystems that record, so that the meter provider starts listening first.
/// </summary>
public static class LighthouseTelemetryHosting
{
    public const string ServiceName = "farm-lighthouse";

    public static IServiceCollection AddLighthouseTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFarmTelemetry(configuration, ServiceName, LighthouseMetrics.MeterName, PolicyMetrics.MeterName, OutboundPeerCheck.MeterName, DiscoveryMetrics.MeterName);
        services.AddSingleton(sp => new LighthouseMetrics(sp.GetRequiredService<IMeterFactory>(), () => ClusterOf(sp), sp.GetService<DnsQueryCounters>, sp.GetService<TcpConnectionGate>, sp.GetService<FarmDirectory>, sp.GetService<MemberLosses>));

        // As instrumentation of the provider, the metrics exist from start even before any subsystem
        // asks for them: the cluster gauges have no other owner.
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInstrumentation(sp => sp.GetRequiredService<LighthouseMetrics>()));
        return services;
    }

    private static Akka.Cluster.Cluster? ClusterOf(IServiceProvider services) =>
        services.GetService<ActorSystem>() is { } system ? Akka.Cluster.Cluster.Get(system) : null;
}
