using System.Diagnostics.Metrics;
using Farm.Shared.Listening;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
                .AddPrometheusExporter()
                .AddLintCleanNames());
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) => metrics.AddOwnMetersOnly(sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton<TelemetryServer>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryServer>());
        services.AddPlannedListeners(sp => PlannedListener.From("metrics", sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.Listen));
        return services;
    }

    // A meter provider listens to every meter of its names in the process; where several hosts share
    // one (the tests run nodes side by side), each exports only the meters its own factory created.
    private static MeterProviderBuilder AddOwnMetersOnly(this MeterProviderBuilder metrics, IMeterFactory factory) =>
        metrics.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, factory) ? null : MetricStreamConfiguration.Drop);

    // promtool's lint rejects a "_count" suffix on anything but histograms and summaries; these
    // runtime and process gauges are renamed so a scrape checks clean.
    private static MeterProviderBuilder AddLintCleanNames(this MeterProviderBuilder metrics) => metrics
        .AddView("dotnet.assembly.count", new MetricStreamConfiguration { Name = "dotnet.assemblies" })
        .AddView("dotnet.process.cpu.count", new MetricStreamConfiguration { Name = "dotnet.process.cpus" })
        .AddView("dotnet.timer.count", new MetricStreamConfiguration { Name = "dotnet.timers" })
        .AddView("process.thread.count", new MetricStreamConfiguration { Name = "process.threads" })
        .AddView("process.unix.file_descriptor.count", new MetricStreamConfiguration { Name = "process.unix.file_descriptors" });
}
