using Farm.Lighthouse.Dns;
using Farm.Shared.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// Mounts <c>/sd/prometheus</c> and <c>/proxy.pac</c> on the telemetry endpoint. The directory they
/// read is fed by <see cref="FarmDirectoryFeedActor"/>, wired with the lighthouse's actor system.
/// </summary>
public static class DiscoveryHosting
{
    public static IServiceCollection AddLighthouseDiscovery(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DiscoveryOptions.Section).Get<DiscoveryOptions>() ?? new DiscoveryOptions();
        services.TryAddSingleton<FarmDirectory>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new LostScrapeTargets(options.KeepLostFor, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ProxyAutoConfig>();
        services.AddSingleton<ITelemetryRoutes, DiscoveryRoutes>();
        return services;
    }
}
