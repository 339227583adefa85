using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Draining;

/// <summary>Wires the drain flag others read and the drainer that sets it.</summary>
public static class DrainHosting
{
    public static IServiceCollection AddDrain(this IServiceCollection services)
    {
        services.AddSingleton<DrainState>();
        services.AddSingleton<NodeDrainer>();
        return services;
    }
}
