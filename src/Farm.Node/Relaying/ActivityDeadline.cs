namespace Farm.Node.Relaying;

/// <summary>
/// One resettable idle deadline per session. Touching only stores a timestamp; the timer
/// re-arms itself for the remaining time when it fires early, so a busy session never
/// pays for a timer change per chunk. The expiry callback takes its state rather than a
/// closure, so an idle session carries no extra delegate.
/// </summary>
public sealed class ActivityDeadline : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly Action<object?> _expire;
    private readonly object? _state;
    private readonly ITimer _timer;
    private long _lastActivity;
    private int _expired;

    public ActivityDeadline(TimeSpan timeout, TimeProvider time, Action<object?> expire, object? state)
    {
        _time = time;
        _timeout = timeout;
        _expire = expire;
        _state = state;
        _lastActivity = time.GetTimestamp();
        _timer = time.CreateTimer(static deadline => ((ActivityDeadline)deadline!).OnTimer(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    public bool Expired => Volatile.Read(ref _expired) == 1;

    public void Touch() => Touch(_time.GetTimestamp());

    /// <summary>Activity at <paramref name="timestamp"/>, read once by the caller for whoever else records it.</summary>
    public void Touch(long timestamp) => Volatile.Write(ref _lastActivity, timestamp);

    public void Dispose() => _timer.Dispose();

    private void OnTimer()
    {
        var idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle < _timeout)
        {
            _timer.Change(_timeout - idle, Timeout.InfiniteTimeSpan);
            return;
        }

        Volatile.Write(ref _expired, 1);
        _expire(_state);
    }
}
