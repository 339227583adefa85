using System.Runtime.InteropServices;
using Farm.Shared.Replication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Farm.Node.Policy;

/// <summary>
/// On SIGHUP, applies the node's policy file to the whole farm as the version after the one this node
/// enforces (compare-and-set, as farmctl's writes: a conflict is logged, never a silent loss). An invalid
/// file is refused with its errors and the running policy stays everywhere; sessions already open keep
/// the snapshot they started with.
/// </summary>
public sealed partial class PolicyReloader(PolicyFileSource source, PolicyHolder holder, IServiceProvider services, ILogger<PolicyReloader> logger) : IHostedService
{
    private PosixSignalRegistration? _hangup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var current = holder.Current;
        LogEnforcing(current.Source, current.Policy.RuleCount);
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = ReloadAsync();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _hangup?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Applies the file's policy farm-wide; the result says whether a majority has it, or why not.</summary>
    public async Task<ApplyResult> ReloadAsync()
    {
        ApplyResult result;
        try
        {
            // Resolved here, not injected: the applier needs the actor system, which starts after this service.
            var applier = services.GetRequiredService<PolicyApplier>();
            result = await applier.ApplyAsync(source.ReadText(), $"sighup:{Environment.MachineName}:{Environment.ProcessId}:{source.SourceName}", holder.Current.Version, fromLocalFile: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = ApplyResult.Failed(e.Message);
        }

        if (result.Outcome == ApplyOutcome.Invalid)
        {
            LogRefused(source.SourceName, holder.Current.Version, string.Join("; ", result.Errors.Select(e => $"{source.SourceName}:{e}")));
        }
        else if (result.Outcome is ApplyOutcome.Failed or ApplyOutcome.Conflict)
        {
            LogRefused(source.SourceName, holder.Current.Version, result.Message);
        }
        else if (result.Outcome == ApplyOutcome.Unknown)
        {
            LogUnknown(source.SourceName, result.Message);
        }
        else
        {
            LogApplied(source.SourceName, result.Message);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "enforcing {Source} ({Rules} rules) until the farm's policy arrives")]
    private partial void LogEnforcing(string source, int rules);

    [LoggerMessage(Level = LogLevel.Information, Message = "policy {Source} applied to the farm: {Result}")]
    private partial void LogApplied(string source, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "policy reload of {Source}: {Reason}")]
    private partial void LogUnknown(string source, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "policy reload of {Source} refused, version {Version} stays: {Reason}")]
    private partial void LogRefused(string source, long version, string reason);
}
