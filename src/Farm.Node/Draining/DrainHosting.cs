using Akka.Hosting;
using Farm.Shared.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Farm.Node.Draining;

/// <summary>Wires the drain flag others read, the drainer that sets it, its readiness check and the lifetime that drains on SIGTERM.</summary>
public static class DrainHosting
{
    public static IServiceCollection AddDrain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DrainOptions>().Bind(configuration.GetSection(DrainOptions.Section))
            .Validate(options => options.Deadline >= TimeSpan.Zero, "Farm:Drain:Deadline must not be negative (written hh:mm:ss).")
            .ValidateOnStart();
        services.AddSingleton<DrainState>();
        services.AddSingleton<NodeDrainer>();
        services.AddSingleton<IReadinessCheck, DrainReadiness>();
        services.AddSingleton<IHostLifetime, DrainingLifetime>();
        return services;
    }

    /// <summary>
    /// Akka's own SIGTERM hook would leave the cluster and stop every session at once, racing the
    /// drain: <see cref="DrainingLifetime"/> alone reacts to the signal, and stopping the host (after
    /// the drain) runs the actor system's coordinated shutdown.
    /// </summary>
    public static AkkaConfigurationBuilder AddDrainOnStop(this AkkaConfigurationBuilder builder) =>
        builder.AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend);
}
