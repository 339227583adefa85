using Farm.Node.Authentication;
using Farm.Node.Dialing;
using Farm.Node.Listening;
using Farm.Node.Logging;
using Farm.Node.Options;
using Farm.Node.Policy;
using Farm.Node.Relaying;
using Farm.Node.Sockets;
using Farm.Node.Sources;
using Farm.Node.Telemetry;
using Farm.Shared.Listening;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Farm.Node.Sessions;

/// <summary>Wires the data path's shared services and the listening sockets.</summary>
public static class SessionServicesHosting
{
    public static IServiceCollection AddSocksDataPath(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SocksOptions>(configuration.GetSection(SocksOptions.Section));
        services.Configure<ResolverOptions>(configuration.GetSection(ResolverOptions.Section));
        services.AddSingleton(sp => new NameResolver(sp.GetRequiredService<IOptions<ResolverOptions>>().Value, sp.GetRequiredService<IOptions<SocksOptions>>().Value.SourcePrefixLength.Lengths));
        services.AddSingleton<SocksListenerSockets>();
        services.AddPlannedListeners(sp => sp.GetRequiredService<IOptions<SocksOptions>>().Value.EffectiveListeners.SelectMany(listener => PlannedListener.From("SOCKS", listener.Endpoint)));
        // Until the node has started and measured what it holds, the configured reserve alone.
        services.AddSingleton(sp => new SessionCapsInForce(SessionCaps.From(sp.GetRequiredService<IOptions<SocksOptions>>().Value, DescriptorLimit.Read())));
        services.AddHostedService<DescriptorMeasurement>();
        services.AddSingleton(sp =>
        {
            var caps = sp.GetRequiredService<SessionCapsInForce>().Current;
            var options = sp.GetRequiredService<IOptions<SocksOptions>>().Value;
            var prefixes = options.SourcePrefixLength.Lengths;
            if (prefixes.Problem(SourcePrefixLengthOptions.Setting) is { } problem)
            {
                throw new FormatException(problem);
            }

            return new SourceConnections(caps.MaxSessionsPerSource, caps.MaxPendingHandshakesPerSource, prefixes, options.EvictIdleAfter, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SocksOptions>>().Value;
            var throttle = new PasswordFailureThrottle(options.PasswordFailuresPerSource, options.PasswordFailureWindow, options.PasswordBackoff, sp.GetRequiredService<TimeProvider>(), options.SourcePrefixLength.Lengths);
            return new PasswordVerifier(options.PasswordChecksAtOnce ?? Math.Max(1, Environment.ProcessorCount / 2), options.PasswordCheckQueue, throttle);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SocksOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var metrics = sp.GetRequiredService<NodeMetrics>();
            var sessionLog = sp.GetRequiredService<IOptions<SessionLogOptions>>().Value;
            return new SessionServices(
                sp.GetRequiredService<PolicyHolder>(),
                options,
                new RelaySettings(options.RelayBufferSize, options.IdleTimeout, time),
                new Dialer(metrics, time, sp.GetRequiredService<NameResolver>(), new DialLimits(options.DialAttemptsInFlight, options.DialAttemptsPerRequest, options.SourcePrefixLength.Lengths)),
                sp.GetRequiredService<SessionLog>(),
                new SessionLimiter(),
                metrics,
                time,
                sp.GetRequiredService<SessionCapsInForce>(),
                sp.GetRequiredService<PasswordVerifier>(),
                GssapiAcceptor.Create(options.Gssapi),
                sp.GetRequiredService<SourceConnections>(),
                new RefusalRecords(sessionLog.RefusalsPerSourcePerSecond, options.SourcePrefixLength.Lengths, time, sessionLog.RefusalsPerSecond));
        });
        return services;
    }
}
