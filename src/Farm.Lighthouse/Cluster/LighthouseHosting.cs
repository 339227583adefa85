using Akka.Hosting;
using Farm.Admin.Policy;
using Farm.Lighthouse.Discovery;
using Farm.Lighthouse.Policy;
using Farm.Shared.Cluster;
using Farm.Shared.Policy;
using Farm.Shared.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Farm.Lighthouse.Cluster;

/// <summary>
/// Wires the lighthouse's actor system: a cluster member with the <c>lighthouse</c> role that keeps a
/// replica of the policy and, as a singleton among lighthouses, seeds the farm's first policy; it
/// advertises itself and feeds the farm directory that DNS and service discovery answer from.
/// </summary>
public static class LighthouseHosting
{
    public const string Role = "lighthouse";
    public const int DefaultPort = 4053;

    public static IServiceCollection AddLighthouse(this IServiceCollection services, IConfiguration configuration)
    {
        // The seed for a farm without a policy; an explicit file is also compared with the farm's policy once Up.
        var policy = configuration.GetSection(LighthousePolicyOptions.Section).Get<LighthousePolicyOptions>() ?? new LighthousePolicyOptions();
        var seed = policy.File is { } file
            ? new PolicySeed(file, () => File.ReadAllText(file))
            : new PolicySeed(DefaultPolicy.SourceName, DefaultPolicy.ReadText);
        var actorSystem = configuration.GetSection(FarmClusterOptions.Section).Get<FarmClusterOptions>()?.ActorSystem ?? "farm";

        services.AddFarmClusterMember(configuration, Role, DefaultPort, tlsWhenStandalone: true);
        services.AddSingleton(seed);
        services.AddSingleton<PolicyHistory>();
        services.AddSingleton<PolicyKeeper>();
        services.AddSingleton<IPolicyEnforcer>(sp => sp.GetRequiredService<PolicyKeeper>());
        services.AddPolicyAdmin<LighthousePolicyAdmin>();
        services.TryAddSingleton<MemberLosses>();
        services.AddAkka(actorSystem, (akka, sp) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithFarmCluster(sp, Role, DefaultPort)
            .AddPolicyReplica()
            .AddPolicyArbiter(Role)
            .AddPolicySeederSingleton(seed, Role)
            .AddPolicyFileAtStartWhen(policy.File)
            .AddLighthouseAdvertiser()
            .AddFarmDirectoryFeed());
        return services;
    }
}
