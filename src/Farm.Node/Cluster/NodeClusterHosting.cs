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

    /// <param name="firstJoin">Whether the node has never been Up in this process (a rejoin takes the farm's policy, not the file).</param>
    public static AkkaConfigurationBuilder AddNodeCluster(this AkkaConfigurationBuilder builder, IServiceProvider services, bool firstJoin = true)
    {
        builder.WithFarmCluster(services, Role, DefaultPort).AddPolicyReplica().AddNodeDetaching();

        // The file is the node's at start; a rejoin takes the farm's version.
        if (firstJoin)
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
