using Akka.Actor;
using Akka.Hosting;
using Farm.Node.Detaching;
using Farm.Shared.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Farm.Node.Incarnations;

/// <summary>
/// Keeps the node a farm member across removals without a process restart. When the farm removes the node
/// (downed by an operator or by the split-brain resolver), the node detaches (its sessions and listeners run
/// on in the host's actor system), retires the removed incarnation and starts new ones against the seeds
/// until one is Up; then the node is attached again and the new replica enforces the farm's policy.
/// </summary>
public sealed partial class ClusterIncarnations(
    HostServices host,
    IHostApplicationLifetime application,
    NodeDetacher detacher,
    MemberReadiness readiness,
    TimeProvider time,
    ILogger<ClusterIncarnations> logger,
    string systemName,
    Action<AkkaConfigurationBuilder, IServiceProvider, bool> configure) : IHostedService, IClusterSystem, IDisposable
{
    /// <summary>
    /// How long a new incarnation may take to be welcomed before it is thrown away for a fresh one (Akka retries
    /// the join itself meanwhile; a fresh system also gets past seeds that answer InitJoin but never Welcome).
    /// </summary>
    public static readonly TimeSpan JoinPatience = TimeSpan.FromSeconds(20);

    /// <summary>The pause between two failed incarnations.</summary>
    public static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private ClusterIncarnation? _current;
    private Task _rejoining = Task.CompletedTask;
    private int _number;
    private volatile bool _joinedOnce;

    public ActorSystem? Current => Volatile.Read(ref _current)?.System;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = await StartNextAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _current, first);
        _rejoining = Task.Run(() => WatchFirstJoinAsync(first, _stopping.Token));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _rejoining.ConfigureAwait(false);
        if (Interlocked.Exchange(ref _current, null) is { } current)
        {
            await current.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>The farm removed <paramref name="system"/>'s member without this node asking to leave.</summary>
    public void Removed(ActorSystem system)
    {
        var current = Volatile.Read(ref _current);
        if (current is null || !ReferenceEquals(current.System, system) || _stopping.IsCancellationRequested
            || Interlocked.CompareExchange(ref _current, null, current) != current)
        {
            return;
        }

        readiness.SetUp(false);
        detacher.Detach();
        LogRemoved(current.Number);
        _rejoining = Task.Run(() => RejoinAsync(current, time.GetTimestamp(), _stopping.Token));
    }

    private Task<ClusterIncarnation> StartNextAsync(CancellationToken cancel)
    {
        var firstJoin = !_joinedOnce;
        return ClusterIncarnation.StartAsync(host, application, systemName, Interlocked.Increment(ref _number), (akka, services) => configure(akka, services, firstJoin), cancel);
    }

    /// <summary>
    /// A member restarted at once after a crash may find the seeds answering InitJoin but never welcoming it
    /// while the farm still holds its previous incarnation: a fresh incarnation gets past that.
    /// </summary>
    private async Task WatchFirstJoinAsync(ClusterIncarnation first, CancellationToken stop)
    {
        try
        {
            if (await first.UpWithinAsync(JoinPatience, stop).ConfigureAwait(false))
            {
                _joinedOnce = true;
                return;
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _current, null, first) == first)
        {
            LogNotWelcomed(first.Number, JoinPatience);
            await RejoinAsync(first, time.GetTimestamp(), stop).ConfigureAwait(false);
        }
    }

    private async Task RejoinAsync(ClusterIncarnation removed, long removedAt, CancellationToken stop)
    {
        try
        {
            await removed.RetireAsync().ConfigureAwait(false);
            while (!stop.IsCancellationRequested)
            {
                ClusterIncarnation? next = null;
                try
                {
                    next = await StartNextAsync(stop).ConfigureAwait(false);
                    if (await next.UpWithinAsync(JoinPatience, stop).ConfigureAwait(false))
                    {
                        _joinedOnce = true;
                        Volatile.Write(ref _current, next);
                        detacher.Reattach();
                        LogRejoined(next.Number, time.GetElapsedTime(removedAt).TotalSeconds);
                        return;
                    }

                    LogNotWelcomed(next.Number, JoinPatience);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogStartFailed(e.Message);
                }

                if (next is not null)
                {
                    await next.RetireAsync().ConfigureAwait(false);
                }

                await Task.Delay(RetryPause, time, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The process is stopping: it stays detached until it exits.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster incarnation {Number} was removed from the farm; retiring it and joining again with a new one")]
    private partial void LogRemoved(int number);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rejoined the farm as cluster incarnation {Number}, {Seconds:0.0} s after the previous one was removed or not welcomed")]
    private partial void LogRejoined(int number, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster incarnation {Number} was not welcomed within {Patience}; trying a fresh one")]
    private partial void LogNotWelcomed(int number, TimeSpan patience);

    [LoggerMessage(Level = LogLevel.Warning, Message = "a new cluster incarnation could not start: {Reason}; trying again")]
    private partial void LogStartFailed(string reason);
}
