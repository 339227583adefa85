using Akka.Actor;
using Akka.Hosting;
using Farm.Admin.Cluster;
using Farm.Node.Listening;
using Farm.Node.Sessions;
using Farm.Shared.Admin;
using Farm.Shared.Cluster;
using Farm.Shared.Discovery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Farm.Node.Draining;

/// <summary>
/// Drains the node: the cluster learns it is draining first (DNS, PAC and load balancers stop
/// sending clients), then listeners close (new clients are refused), open sessions keep flowing
/// until they end or the deadline closes them, then a clustered node leaves the cluster.
/// </summary>
public sealed partial class NodeDrainer(
    DrainState state,
    IClusterSystem cluster,
    IRequiredActor<SocksListenersActor> listeners,
    IRequiredActor<SessionsActor> sessions,
    IHostApplicationLifetime application,
    TimeProvider time,
    ILogger<NodeDrainer> logger)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private CancellationTokenSource? _waiting;
    private TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<DrainStatus> DrainAsync(TimeSpan? deadline, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (!state.Draining)
            {
                await BeginAsync(deadline is { } d ? time.GetUtcNow() + d : null, cancel).ConfigureAwait(false);
            }

            return await StatusAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The drain on stop: begins one (or brings a running drain's deadline forward to <paramref name="deadline"/>
    /// from now) and returns once no session is open, those past the deadline closed.
    /// </summary>
    public async Task DrainToEndAsync(TimeSpan deadline, CancellationToken cancel)
    {
        Task drained;
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var until = time.GetUtcNow() + deadline;
            if (!state.Draining)
            {
                await BeginAsync(until, cancel).ConfigureAwait(false);
            }
            else
            {
                state.Tighten(until);
            }

            drained = _drained.Task;
        }
        finally
        {
            _gate.Release();
        }

        await drained.WaitAsync(cancel).ConfigureAwait(false);
    }

    public async Task<DrainStatus> UndrainAsync(CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (state.Draining)
            {
                _waiting?.Cancel();
                _waiting?.Dispose();
                _waiting = null;
                var listenerRef = await listeners.GetAsync(cancel).ConfigureAwait(false);
                await listenerRef.Ask<ListenersChanged>(StartAccepting.Instance, AskTimeout, cancel).ConfigureAwait(false);
                state.End();
                await AdvertiseAsync(draining: false, cancel).ConfigureAwait(false);
                LogUndrained();
            }

            return await StatusAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<DrainStatus> StatusAsync(CancellationToken cancel)
    {
        var open = await OpenAsync(cancel).ConfigureAwait(false);
        var message = !state.Draining
            ? "accepting new sessions"
            : open == 0
                ? "draining: no open sessions"
                : state.Deadline is { } deadline
                    ? $"draining: refusing new sessions, {open} open until they end or {deadline:O}"
                    : $"draining: refusing new sessions, {open} open until they end";
        return new DrainStatus(state.Draining, open, state.Deadline, message);
    }

    private async Task BeginAsync(DateTimeOffset? deadline, CancellationToken cancel)
    {
        _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        state.Begin(deadline);
        await AdvertiseAsync(draining: true, cancel).ConfigureAwait(false);

        // A confirmed write is in every member's replica, but a lighthouse's DNS and PAC directory
        // hears of it on its replicator's next notify tick; two ticks pass before the listeners close.
        await Task.Delay(2 * FarmClusterHosting.SubscriberNotifyInterval, time, cancel).ConfigureAwait(false);
        var listenerRef = await listeners.GetAsync(cancel).ConfigureAwait(false);
        await listenerRef.Ask<ListenersChanged>(StopAccepting.Instance, AskTimeout, cancel).ConfigureAwait(false);
        _waiting = new CancellationTokenSource();
        _ = FinishAsync(_drained, _waiting.Token);
        LogDraining(state.Deadline);
    }

    private async Task AdvertiseAsync(bool draining, CancellationToken cancel)
    {
        // A detached node has no advertisement to change: the farm already dropped it.
        if (cluster.Current is not { } system)
        {
            return;
        }

        var advertiserRef = await ActorRegistry.For(system).GetAsync<AdvertiserActor>(cancel).ConfigureAwait(false);
        await advertiserRef.Ask<Advertised>(new SetDraining(draining), AskTimeout, cancel).ConfigureAwait(false);
    }

    private async Task<int> OpenAsync(CancellationToken cancel)
    {
        var sessionsRef = await sessions.GetAsync(cancel).ConfigureAwait(false);
        var count = await sessionsRef.Ask<SessionCount>(GetSessionCount.Instance, AskTimeout, cancel).ConfigureAwait(false);
        return count.Open;
    }

    private async Task FinishAsync(TaskCompletionSource drained, CancellationToken undrained)
    {
        try
        {
            while (await OpenAsync(undrained).ConfigureAwait(false) > 0)
            {
                // Read each time: a stop during the drain brings the deadline forward.
                if (state.Deadline is { } d && time.GetUtcNow() >= d)
                {
                    await KillOpenAsync(undrained).ConfigureAwait(false);
                }

                await Task.Delay(Poll, time, undrained).ConfigureAwait(false);
            }

            drained.TrySetResult();

            if (ClusterAccess.TryGet(cluster.Current, out var member))
            {
                LogLeaving(member.SelfAddress.ToString());
                member.Leave(member.SelfAddress);
            }
            else
            {
                // Detached: there is no membership to leave, and the leave is what ends a drained process.
                LogLeaving("detached node");
                application.StopApplication();
            }
        }
        catch (OperationCanceledException)
        {
            // Undrained before the sessions ended: the node stays.
        }
        catch (Exception e) when (e is AskTimeoutException or InvalidOperationException)
        {
            // The actor system is going (downed, or stopped another way): no session outlives it.
            drained.TrySetResult();
        }
    }

    private async Task KillOpenAsync(CancellationToken cancel)
    {
        var sessionsRef = await sessions.GetAsync(cancel).ConfigureAwait(false);
        var open = await sessionsRef.Ask<OpenSessions>(GetSessions.Instance, AskTimeout, cancel).ConfigureAwait(false);
        foreach (var session in open.Sessions)
        {
            sessionsRef.Tell(new KillSession(session.Id));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "draining: new sessions refused, deadline {Deadline}")]
    private partial void LogDraining(DateTimeOffset? deadline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "undrained: accepting new sessions again")]
    private partial void LogUndrained();

    [LoggerMessage(Level = LogLevel.Warning, Message = "drained: {Address} leaves the cluster")]
    private partial void LogLeaving(string address);
}
