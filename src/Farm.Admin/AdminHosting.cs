using Farm.Admin.Cluster;
using Farm.Shared.Listening;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Farm.Admin;

/// <summary>Wires the admin endpoint with the cluster routes every member serves.</summary>
public static class AdminHosting
{
    public static IServiceCollection AddFarmAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AdminOptions>(configuration.GetSection(AdminOptions.Section));
        services.AddSingleton<IAdminEndpoints, ClusterEndpoints>();
        services.AddSingleton<AdminServer>();
        services.AddHostedService(sp => sp.GetRequiredService<AdminServer>());
        services.AddPlannedListeners(sp => PlannedListener.From("admin", sp.GetRequiredService<IOptions<AdminOptions>>().Value.Listen));
        return services;
    }
}
