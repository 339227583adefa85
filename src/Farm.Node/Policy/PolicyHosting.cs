using Farm.Node.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Policy;

/// <summary>Wires the file-backed policy: loaded and validated at start, reloaded on SIGHUP.</summary>
public static class PolicyHosting
{
    public static IServiceCollection AddFilePolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PolicyOptions>(configuration.GetSection(PolicyOptions.Section));
        services.AddSingleton<PolicyFileSource>();
        services.AddSingleton(sp => new PolicyHolder(sp.GetRequiredService<PolicyFileSource>().Load()));
        services.AddSingleton<PolicyReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<PolicyReloader>());
        return services;
    }
}
