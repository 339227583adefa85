using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Farm.Node.Draining;

/// <summary>
/// The node's host lifetime: SIGTERM (<c>docker compose stop</c>, <c>systemctl stop</c>) is a drain
/// before it is a stop. DNS drops the node, listeners close, open sessions run on until they end or
/// <see cref="DrainOptions.Deadline"/> closes them, and only then is the application stopped. The
/// drain must come first: stopping the application starts the actor system's shutdown, which would
/// leave the cluster and end every session at once. SIGINT and SIGQUIT stop at once, as the default
/// console lifetime does.
/// </summary>
/// <remarks>The host resolves its lifetime as it is built: the drainer (and with it the actor system) is taken only at the signal.</remarks>
public sealed partial class DrainingLifetime(
    IServiceProvider services,
    IOptions<DrainOptions> options,
    IHostApplicationLifetime application,
    ILogger<DrainingLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _stopping;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnInterrupt));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }
    }

    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _ = DrainThenStopAsync();
        }
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        application.StopApplication();
    }

    private async Task DrainThenStopAsync()
    {
        var deadline = options.Value.Deadline;
        LogStopDrain(deadline);
        try
        {
            // Bounded even if a session ignores the close: the drain deadline plus the time to close.
            using var bound = new CancellationTokenSource(deadline + DrainOptions.CloseMargin);
            await services.GetRequiredService<NodeDrainer>().DrainToEndAsync(deadline, bound.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            LogDrainUnfinished(e.Message);
        }
        finally
        {
            application.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIGTERM: draining (deadline {Deadline}) before stopping")]
    private partial void LogStopDrain(TimeSpan deadline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the drain did not finish, stopping anyway: {Reason}")]
    private partial void LogDrainUnfinished(string reason);
}
