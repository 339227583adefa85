using Microsoft.Extensions.DependencyInjection;

namespace Farm.Admin.Policy;

/// <summary>Registers a member's policy palette: its <see cref="IPolicyAdmin"/> behind the shared routes.</summary>
public static class PolicyAdminHosting
{
    public static IServiceCollection AddPolicyAdmin<TAdmin>(this IServiceCollection services)
        where TAdmin : class, IPolicyAdmin
    {
        services.AddSingleton<IPolicyAdmin, TAdmin>();
        services.AddSingleton<IAdminEndpoints, PolicyAdminEndpoints>();
        return services;
    }
}
