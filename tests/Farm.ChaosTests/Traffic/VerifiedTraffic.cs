using System.Collections.Concurrent;
using System.Diagnostics;
using Farm.IntegrationTests.Support;

namespace Farm.ChaosTests.Traffic;

/// <summary>
/// Continuous verified traffic: one loop per node, each starting the next session as soon as the last
/// ended (after a short pause when the node gave none), until stopped or <see cref="MaxSessionsPerNode"/>.
/// </summary>
public sealed class VerifiedTraffic(FarmHarness farm, PacedSource source, Stopwatch clock)
{
    public const int MaxSessionsPerNode = 1000;

    /// <summary>Longer than any stall a scenario causes (a frozen node), so a stalled session is never cut by the client.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PauseWhenUnavailable = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentQueue<SessionResult> _results = new();
    private readonly ConcurrentDictionary<int, long> _underWay = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public IReadOnlyCollection<SessionResult> Results => _results;

    public void Start(IEnumerable<int> nodes) => _loops.AddRange(nodes.Select(node => Task.Run(() => LoopAsync(node))));

    /// <summary>Starts no more sessions and waits for those under way to end (each bounded by <see cref="SessionTimeout"/>).</summary>
    public async Task<IReadOnlyList<SessionResult>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        return [.. _results];
    }

    public int Completed(int node) => _results.Count(r => r.Node == node && r.Outcome == SessionOutcome.Intact);

    /// <summary>Bytes the session now under way through <paramref name="node"/> has received (0: none under way, or none yet).</summary>
    public long UnderWay(int node) => _underWay.GetValueOrDefault(node);

    private async Task LoopAsync(int node)
    {
        for (var i = 0; i < MaxSessionsPerNode && !_stop.IsCancellationRequested; i++)
        {
            var started = clock.Elapsed;
            var (outcome, bytes, error) = await VerifiedSession.RunAsync(farm.SocksAddress(node), farm.SocksPort(node), source, SessionTimeout, received => _underWay[node] = received);
            _underWay[node] = 0;
            _results.Enqueue(new SessionResult(node, started, clock.Elapsed, outcome, bytes, error));
            if (outcome == SessionOutcome.Unavailable)
            {
                try
                {
                    await Task.Delay(PauseWhenUnavailable, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
