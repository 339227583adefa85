using Farm.Node.Options;
using Farm.Node.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Farm.Node.Detaching;

/// <summary>
/// Keeps the node serving when the cluster removes it (downed by an operator or by the split-brain
/// resolver): open sessions run on, new clients are served on the last policy for at most
/// <see cref="DetachedOptions.MaxStalePolicy"/>, then refused.
/// </summary>
public sealed partial class NodeDetacher(
    DetachState state,
    PolicyHolder policy,
    IOptions<DetachedOptions> options,
    TimeProvider time,
    ILogger<NodeDetacher> logger) : IDisposable
{
    private ITimer? _staleTimer;

    public void Detach()
    {
        if (!state.TryDetach(time.GetUtcNow()))
        {
            return;
        }

        var settings = options.Value;
        var version = policy.Current.Version;
        if (!settings.ServeNewClients)
        {
            LogDetachedRefusing(version);
            RefuseNewClients();
            return;
        }

        LogDetachedServing(version, settings.MaxStalePolicy);
        _staleTimer = time.CreateTimer(_ => Expire(), null, settings.MaxStalePolicy, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _staleTimer?.Dispose();

    private void Expire()
    {
        LogStale(policy.Current.Version, options.Value.MaxStalePolicy);
        RefuseNewClients();
    }

    private void RefuseNewClients()
    {
        var last = policy.Current;
        policy.Swap(last with { Policy = StalePolicy.From(last.Policy), Source = $"{last.Source} ({StalePolicy.RuleName})", LoadedAt = time.GetUtcNow() });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "node detached: no longer a cluster member; open sessions run on and new clients are served on policy version {Version} for up to {MaxStale}")]
    private partial void LogDetachedServing(long version, TimeSpan maxStale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node detached: no longer a cluster member; open sessions run on, new clients are refused (Farm:Cluster:Detached:ServeNewClients is false; policy version {Version})")]
    private partial void LogDetachedRefusing(long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node detached for {MaxStale}: policy version {Version} is stale, new clients are refused from now on")]
    private partial void LogStale(long version, TimeSpan maxStale);
}
