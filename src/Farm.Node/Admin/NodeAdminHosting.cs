using Farm.Admin;
using Farm.Admin.Policy;
using Farm.Node.Draining;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Admin;

/// <summary>Wires the admin endpoint with the node's routes, the drain and the node-local policy palette.</summary>
public static class NodeAdminHosting
{
    public static IServiceCollection AddNodeAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDrain(configuration);
        services.AddPolicyAdmin<ClusterPolicyAdmin>();
        services.AddSingleton<IAdminEndpoints, NodeAdminEndpoints>();
        services.AddFarmAdmin(configuration);
        return services;
    }
}
