using Farm.Node.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Logging;

/// <summary>Wires the session-record sink.</summary>
public static class SessionLogHosting
{
    public static IServiceCollection AddSessionLog(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SessionLogOptions>(configuration.GetSection(SessionLogOptions.Section));
        services.AddSingleton<SessionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionLog>());
        return services;
    }
}
