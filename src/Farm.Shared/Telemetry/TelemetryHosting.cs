using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Farm.Shared.Telemetry;

/// <summary>
/// Wires OpenTelemetry metrics (the member's own meters, runtime and process) and the HTTP
/// endpoint that serves them. Call it before the subsystems that record: hosted services start in
/// registration order, and the meter provider must listen before the first measurement.
/// </summary>
public static class TelemetryHosting
{
    public static IServiceCollection AddFarmTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName, params string[] meters)
    {
        services.Configure<TelemetryOptions>(configuration.GetSection(TelemetryOptions.Section));
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(meters)
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter());
        services.AddSingleton<TelemetryServer>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryServer>());
        return services;
    }
}
