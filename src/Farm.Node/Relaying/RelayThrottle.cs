using System.Threading.Tasks.Sources;

namespace Farm.Node.Relaying;

/// <summary>
/// Holds one direction of a limited session to its rate: the relay asks how long to wait before
/// reading, waits on one timer the throttle keeps for its whole life (no task, timer or delegate
/// per wait), and charges what it relayed. <see cref="Halt"/> ends a wait at once, as the kill and
/// the idle deadline end a pending receive. An unlimited session has no throttle at all.
/// </summary>
public sealed class RelayThrottle : IValueTaskSource<bool>, IDisposable
{
    private readonly TokenBucket _bucket;
    private readonly long _quantum;
    private readonly ITimer _timer;
    private ManualResetValueTaskSourceCore<bool> _wait;
    private int _waiting;
    private int _halted;

    /// <param name="bufferSize">The relay's buffer: no read asks for more, and waits are for at most this much.</param>
    public RelayThrottle(long bytesPerSecond, int bufferSize, TimeProvider time)
    {
        _bucket = new TokenBucket(bytesPerSecond, time);
        // Waiting for half the burst, not all of it, leaves the other half for timer lateness.
        _quantum = Math.Max(1, Math.Min(_bucket.Capacity / 2, bufferSize));
        _timer = time.CreateTimer(static state => ((RelayThrottle)state!).Wake(true), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long to wait before the next read; zero when it may go now.</summary>
    public TimeSpan Delay => _bucket.DelayFor(_quantum);

    /// <summary>Bytes the next read may take, at most <paramref name="max"/>.</summary>
    public int Window(int max) => _bucket.Available(max);

    public void Charge(int bytes) => _bucket.Take(bytes);

    /// <summary>True once <paramref name="delay"/> has passed, false if halted before.</summary>
    public ValueTask<bool> WaitAsync(TimeSpan delay)
    {
        _wait.Reset();
        Interlocked.Exchange(ref _waiting, 1);
        if (Volatile.Read(ref _halted) == 1)
        {
            Wake(false);
        }
        else
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }

        return new ValueTask<bool>(this, _wait.Version);
    }

    public void Halt()
    {
        Interlocked.Exchange(ref _halted, 1);
        Wake(false);
    }

    public void Dispose() => _timer.Dispose();

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);

    /// <summary>The timer and a halt race to end a wait; only the first completes it.</summary>
    private void Wake(bool elapsed)
    {
        if (Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _wait.SetResult(elapsed);
        }
    }
}
