using Farm.Node.Options;
using Farm.Node.Sockets;
using Farm.Node.Sources;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Farm.Node.Sessions;

/// <summary>
/// Once the node has started (listeners, admin, telemetry, cluster and logs open), counts the
/// descriptors it holds and sets the session caps from them, in the one start line that states the
/// session cap. A fixed reserve was a guess: too small, sessions take the descriptors the node needs
/// for itself; too large, sessions are refused for nothing.
/// </summary>
public sealed class DescriptorMeasurement(
    IHostApplicationLifetime lifetime,
    IOptions<SocksOptions> options,
    SessionCapsInForce caps,
    SourceConnections sources,
    ILogger<SessionCaps> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Measure);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Measure()
    {
        var measured = SessionCaps.From(options.Value, caps.Current.DescriptorLimit, OpenDescriptors.Count());
        caps.Set(measured);
        sources.SetCaps(measured.MaxSessionsPerSource, measured.MaxPendingHandshakesPerSource);
        log.LogInformation("{Caps}", measured.Describe(options.Value));
    }
}
