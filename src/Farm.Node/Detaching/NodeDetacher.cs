using Farm.Node.Options;
using Farm.Node.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Farm.Node.Detaching;

/// <summary>
/// Keeps the node serving when the cluster removes it (downed by an operator or by the split-brain
/// resolver): open sessions run on, new clients are served on the last policy for at most
/// <see cref="DetachedOptions.MaxStalePolicy"/>, then refused until the node is a member again.
/// </summary>
public sealed partial class NodeDetacher(
    DetachState state,
    PolicyHolder policy,
    IOptions<DetachedOptions> options,
    TimeProvider time,
    ILogger<NodeDetacher> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private ITimer? _staleTimer;

    // The policy to enforce again once the node is a member, while the stale one refuses every request.
    private PolicySnapshot? _beforeStale;

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
        lock (_gate)
        {
            _staleTimer = time.CreateTimer(_ => Expire(), null, settings.MaxStalePolicy, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The node is a member again: it is ready, and enforces the farm's policy rather than the stale one.</summary>
    public void Reattach()
    {
        if (!state.TryReattach())
        {
            return;
        }

        lock (_gate)
        {
            _staleTimer?.Dispose();
            _staleTimer = null;
            if (_beforeStale is { } fresh)
            {
                policy.Swap(fresh);
                _beforeStale = null;
            }
        }

        LogReattached(policy.Current.Version);
    }

    /// <summary>
    /// Enforces a replicated version. One the node reads while its policy is stale (a new incarnation's replica
    /// reads its store before the farm welcomes it) is kept for the rejoin: the node refuses until it is a member.
    /// </summary>
    public void Enforce(PolicySnapshot snapshot)
    {
        lock (_gate)
        {
            if (_beforeStale is null)
            {
                policy.Swap(snapshot);
                return;
            }

            _beforeStale = snapshot;
            policy.Swap(Stale(snapshot));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _staleTimer?.Dispose();
        }
    }

    private void Expire()
    {
        LogStale(policy.Current.Version, options.Value.MaxStalePolicy);
        RefuseNewClients();
    }

    private void RefuseNewClients()
    {
        lock (_gate)
        {
            if (!state.Detached || _beforeStale is not null)
            {
                return;
            }

            _beforeStale = policy.Current;
            policy.Swap(Stale(_beforeStale));
        }
    }

    private PolicySnapshot Stale(PolicySnapshot last) =>
        last with { Policy = StalePolicy.From(last.Policy), Source = $"{last.Source} ({StalePolicy.RuleName})", LoadedAt = time.GetUtcNow() };

    [LoggerMessage(Level = LogLevel.Warning, Message = "node detached: no longer a cluster member; open sessions run on and new clients are served on policy version {Version} for up to {MaxStale}")]
    private partial void LogDetachedServing(long version, TimeSpan maxStale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node detached: no longer a cluster member; open sessions run on, new clients are refused (Farm:Cluster:Detached:ServeNewClients is false; policy version {Version})")]
    private partial void LogDetachedRefusing(long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node detached for {MaxStale}: policy version {Version} is stale, new clients are refused until it rejoins")]
    private partial void LogStale(long version, TimeSpan maxStale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node attached again: a cluster member, enforcing policy version {Version}")]
    private partial void LogReattached(long version);
}
