using Farm.Node.Cluster;
using Farm.Node.Options;
using Farm.Shared.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Farm.Node.Policy;

/// <summary>Wires the file-backed policy: loaded and validated at start, reloaded on SIGHUP.</summary>
public static class PolicyHosting
{
    public static IServiceCollection AddFilePolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PolicyOptions>(configuration.GetSection(PolicyOptions.Section));
        services.AddSingleton<PolicyFileSource>();
        services.AddSingleton(sp => new PolicyHolder(StartingSnapshot(sp)));
        services.AddSingleton<PolicyReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<PolicyReloader>());
        return services;
    }

    /// <summary>
    /// The local file, or refuse-all when this member has stored a farm policy: the listeners open before
    /// the replica has read the store, and the local file may pass what that policy blocks. A node with seeds
    /// refuses all until it enforces a farm version in any case: its file is a candidate for the farm (applied
    /// at start when newer), not the farm's policy, and a firewall that joined a farm passes nothing the farm
    /// did not decide. Only a node without seeds starts on its file, which is then its farm's policy.
    /// </summary>
    private static PolicySnapshot StartingSnapshot(IServiceProvider services)
    {
        // Loaded either way, so an invalid local file still stops the start.
        var local = services.GetRequiredService<PolicyFileSource>().Load();
        if (services.GetService<IOptions<FarmClusterOptions>>()?.Value is not { } cluster)
        {
            return local;
        }

        var stored = FarmClusterHosting.StoredPolicyPath(cluster, NodeClusterHosting.Role, NodeClusterHosting.DefaultPort);
        return File.Exists(stored) ? local with { Policy = RefuseAllPolicy.Compile(RefuseAllPolicy.StorePending), Source = $"{RefuseAllPolicy.StorePending}: {stored}" }
            : !cluster.IsStandalone ? local with { Policy = RefuseAllPolicy.Compile(RefuseAllPolicy.FarmPending), Source = $"{RefuseAllPolicy.FarmPending}: no farm version received yet" }
            : local;
    }
}
