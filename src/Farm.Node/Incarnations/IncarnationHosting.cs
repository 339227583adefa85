using Akka.Hosting;
using Farm.Node.Detaching;
using Farm.Shared.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Farm.Node.Incarnations;

/// <summary>Wires the node's cluster into actor systems of its own, one per incarnation, apart from the data plane's.</summary>
public static class IncarnationHosting
{
    /// <summary>
    /// Registers the incarnations as this member's <see cref="IClusterSystem"/> and as a hosted service; call it
    /// after the data plane's <c>AddAkka</c>, so the listeners are bound before the first incarnation advertises them.
    /// </summary>
    /// <param name="configure">Builds one incarnation's actor system; the bool is true until the node has once been Up.</param>
    public static IServiceCollection AddClusterIncarnations(this IServiceCollection services, string systemName, Action<AkkaConfigurationBuilder, IServiceProvider, bool> configure)
    {
        services.AddSingleton(sp => new HostServices(services, sp));
        services.AddSingleton(sp => new ClusterIncarnations(
            sp.GetRequiredService<HostServices>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<NodeDetacher>(),
            sp.GetRequiredService<MemberReadiness>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ClusterIncarnations>>(),
            systemName,
            configure));
        services.Replace(ServiceDescriptor.Singleton<IClusterSystem>(sp => sp.GetRequiredService<ClusterIncarnations>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterIncarnations>());
        return services;
    }
}
