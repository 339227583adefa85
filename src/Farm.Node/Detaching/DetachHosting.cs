using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Farm.Node.Incarnations;
using Farm.Node.Options;
using Farm.Shared.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Detaching;

/// <summary>Wires detaching: a node the cluster removes keeps its process and its sessions, and joins again.</summary>
public static class DetachHosting
{
    public static IServiceCollection AddNodeDetaching(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DetachedOptions>(configuration.GetSection(DetachedOptions.Section));
        services.AddSingleton<DetachState>();
        services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<DetachState>());
        services.AddSingleton<NodeDetacher>();
        return services;
    }

    public static AkkaConfigurationBuilder AddNodeDetaching(this AkkaConfigurationBuilder builder) =>
        builder
            // Akka's default runs coordinated shutdown when this member is downed, which ends the
            // process and cuts every session; a leave (drain, farmctl cluster leave) still runs it.
            .AddHocon(ConfigurationFactory.ParseString("""
                akka.cluster.run-coordinated-shutdown-when-down = off
                # A rejoining incarnation's first Join is ignored while the farm still holds the removed one;
                # Akka's default waits 10 s before it asks again.
                akka.cluster.retry-unsuccessful-join-after = 2s
                """), HoconAddMode.Prepend)
            .WithActors((system, _, resolver) =>
            {
                var incarnations = resolver.GetService<ClusterIncarnations>();
                var shutdown = CoordinatedShutdown.Get(system);

                // Called when this member is removed or its cluster stops; only a removal this process
                // did not ask for (no coordinated shutdown under way) detaches it and starts the rejoin.
                Akka.Cluster.Cluster.Get(system).RegisterOnMemberRemoved(() =>
                {
                    if (shutdown.ShutdownReason is null)
                    {
                        incarnations.Removed(system);
                    }
                });
            });
}
