using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Lighthouse.Cluster;

/// <summary>Wires the lighthouse's actor system: remoting, and clustering with the <c>lighthouse</c> role.</summary>
public static class LighthouseHosting
{
    public const string Role = "lighthouse";

    public static IServiceCollection AddLighthouse(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(LighthouseOptions.Section).Get<LighthouseOptions>() ?? new LighthouseOptions();
        options.ApplyClassicEnvironment(Environment.GetEnvironmentVariable);
        services.AddAkka(options.ActorSystem, akka => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithRemoting(new RemoteOptions
            {
                HostName = options.Hostname,
                PublicHostName = options.PublicHostname ?? options.Hostname,
                Port = options.Port,
            })
            .WithClustering(new ClusterOptions
            {
                Roles = [Role],
                SeedNodes = [.. options.EffectiveSeeds],
            }));
        return services;
    }
}
