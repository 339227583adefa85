using Farm.Shared.Listening;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Farm.Lighthouse.Dns;

public static class DnsHosting
{
    /// <summary>
    /// The farm's authoritative DNS from <c>Farm:Dns</c>. <see cref="FarmDirectory"/> is registered
    /// whether or not DNS is enabled: membership code feeds it for other consumers too.
    /// </summary>
    public static IServiceCollection AddFarmDns(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DnsOptions>().Bind(configuration.GetSection(DnsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnsOptions>, DnsOptionsValidator>());
        services.TryAddSingleton<FarmDirectory>();
        services.TryAddSingleton<DnsQueryCounters>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new ResponseRateLimiter(
            provider.GetRequiredService<IOptions<DnsOptions>>().Value.RateLimit,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider =>
        {
            var tcp = provider.GetRequiredService<IOptions<DnsOptions>>().Value.Tcp;
            return new TcpConnectionGate(tcp.MaxConnections, tcp.MaxConnectionsPerSource);
        });
        services.TryAddSingleton(provider => new FarmZone(provider.GetRequiredService<IOptions<DnsOptions>>().Value));
        services.AddHostedService<DnsResponder>();
        services.AddPlannedListeners(sp => sp.GetRequiredService<IOptions<DnsOptions>>().Value is { Enabled: true } dns
            ? dns.EffectiveListen.SelectMany(text => PlannedListener.From("DNS", text, ListenProtocol.Udp).Concat(PlannedListener.From("DNS", text)))
            : []);
        return services;
    }
}
