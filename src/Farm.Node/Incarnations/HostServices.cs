using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Farm.Node.Incarnations;

/// <summary>
/// The host's service registrations and provider, from which each cluster incarnation's own container is
/// made: every service the host registered resolves to the host's instance (the policy holder, the detacher,
/// options, TLS material...), while Akka's own services and the hosted services belong to the incarnation.
/// </summary>
public sealed class HostServices(IServiceCollection registrations, IServiceProvider provider)
{
    internal T GetOptions<T>()
        where T : class => provider.GetRequiredService<IOptions<T>>().Value;

    /// <summary>A new container that hands out the host's services, for one incarnation's actor system.</summary>
    internal ServiceCollection NewIncarnationServices(IHostApplicationLifetime lifetime)
    {
        var services = new ServiceCollection();
        foreach (var type in registrations.Where(Forwarded).Select(d => d.ServiceType).Distinct())
        {
            services.AddTransient(type, _ => provider.GetRequiredService(type));
        }

        services.AddSingleton(this);
        services.AddSingleton(typeof(IOptions<>), typeof(ForwardedOptions<>));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(lifetime);
        return services;
    }

    private static bool Forwarded(ServiceDescriptor descriptor) =>
        !descriptor.IsKeyedService
        && !descriptor.ServiceType.IsGenericTypeDefinition
        && descriptor.Lifetime != ServiceLifetime.Scoped
        && descriptor.ServiceType != typeof(IHostedService)
        && descriptor.ServiceType != typeof(IHostApplicationLifetime)
        && descriptor.ServiceType != typeof(IHostLifetime)
        && descriptor.ServiceType != typeof(IServiceProvider)
        && descriptor.ServiceType.Namespace?.StartsWith("Akka", StringComparison.Ordinal) != true;
}
