using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Farm.Node.Policy;

/// <summary>
/// Reloads the policy file on SIGHUP. An invalid file is refused with its errors and the
/// running policy stays; sessions already open keep the snapshot they started with.
/// </summary>
public sealed partial class PolicyReloader(PolicyFileSource source, PolicyHolder holder, ILogger<PolicyReloader> logger) : IHostedService
{
    private PosixSignalRegistration? _hangup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var current = holder.Current;
        LogEnforcing(current.Source, current.Version, current.Policy.RuleCount);
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Reload();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _hangup?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Loads and swaps in the file's policy; false (and the old policy kept) when it is invalid.</summary>
    public bool Reload()
    {
        try
        {
            var next = source.Load();
            holder.Swap(next);
            LogEnforcing(next.Source, next.Version, next.Policy.RuleCount);
            return true;
        }
        catch (Exception e) when (e is PolicyLoadException or IOException or UnauthorizedAccessException)
        {
            LogRefused(holder.Current.Version, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "enforcing policy {Source} (local version {Version}, {Rules} rules)")]
    private partial void LogEnforcing(string source, long version, int rules);

    [LoggerMessage(Level = LogLevel.Error, Message = "policy reload refused, version {Version} stays: {Reason}")]
    private partial void LogRefused(long version, string reason);
}
