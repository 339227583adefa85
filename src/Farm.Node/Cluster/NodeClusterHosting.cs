using Akka.Hosting;
using Farm.Node.Detaching;
using Farm.Node.Options;
using Farm.Node.Policy;
using Farm.Shared.Cluster;
using Farm.Shared.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Farm.Node.Cluster;

/// <summary>Wires the node into the farm: role <c>socks</c>, the policy replica, and self-seeding when alone.</summary>
public static class NodeClusterHosting
{
    public const string Role = "socks";

    /// <summary>The lighthouses' role (Farm.Lighthouse's own constant; the node does not reference it).</summary>
    public const string LighthouseRole = "lighthouse";
    public const int DefaultPort = 4054;

    public static IServiceCollection AddNodeCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFarmClusterMember(configuration, Role, DefaultPort);
        services.AddSingleton<PolicyHistory>();
        services.AddSingleton<IPolicyEnforcer, NodePolicyEnforcer>();
        services.AddNodeDetaching(configuration);
        return services;
    }

    /// <param name="incarnation">1 for the cluster the node starts with, then one more each time it joins again.</param>
    public static AkkaConfigurationBuilder AddNodeCluster(this AkkaConfigurationBuilder builder, IServiceProvider services, int incarnation = 1)
    {
        builder.WithFarmCluster(services, Role, DefaultPort).AddPolicyReplica().AddNodeDetaching();

        // The file is the node's at start; a rejoin takes the farm's version.
        if (incarnation == 1)
        {
            builder.AddPolicyFileAtStartWhen(services.GetRequiredService<IOptions<PolicyOptions>>().Value.File);
        }

        if (services.GetRequiredService<IOptions<FarmClusterOptions>>().Value.IsStandalone)
        {
            var source = services.GetRequiredService<PolicyFileSource>();
            builder.AddPolicyArbiter(Role).AddPolicySeeder(new PolicySeed(source.SourceName, source.ReadText));
        }
        else
        {
            // In a farm the lighthouses host the policy writer.
            builder.AddPolicyArbiterProxy(LighthouseRole);
        }

        return builder;
    }
}
