namespace Farm.Node.Relaying;

/// <summary>
/// The bytes one direction of one session may relay (<c>limit bandwidth</c>): refilled continuously
/// at the rate, up to a burst of 100 ms worth, at least 4 KiB, never more than one second's worth.
/// A short burst keeps a transfer within a few per cent of size/rate from its first byte; 100 ms
/// leaves room for timer lateness at high rates, so waking late does not cost throughput. Charging
/// may overdraw it (bytes that had to go, such as a datagram larger than the burst); the debt is
/// paid by waiting. Used by one direction at a time: not thread-safe. Tokens are counted exactly,
/// in bytes times timestamp ticks per second, so no rounding drifts over a long session.
/// </summary>
public sealed class TokenBucket
{
    private const long MinimumBurst = 4 * 1024;

    private readonly TimeProvider _time;
    private readonly long _frequency;
    private readonly Int128 _full;
    private Int128 _tokens;
    private long _refilledAt;

    public TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        _time = time;
        BytesPerSecond = bytesPerSecond;
        Capacity = Math.Max(bytesPerSecond / 10, Math.Min(bytesPerSecond, MinimumBurst));
        _frequency = time.TimestampFrequency;
        _full = (Int128)Capacity * _frequency;
        _tokens = _full;
        _refilledAt = time.GetTimestamp();
    }

    public long BytesPerSecond { get; }

    /// <summary>The most that may go at once after a pause.</summary>
    public long Capacity { get; }

    /// <summary>Bytes that may go now, at most <paramref name="max"/>; 0 while empty or in debt.</summary>
    public int Available(int max)
    {
        Refill();
        return _tokens <= 0 ? 0 : (int)Int128.Min(max, _tokens / _frequency);
    }

    /// <summary>How long until <paramref name="bytes"/> (at most the capacity) may go; zero when they may now.</summary>
    public TimeSpan DelayFor(long bytes)
    {
        Refill();
        var missing = ((Int128)Math.Min(bytes, Capacity) * _frequency) - _tokens;
        return missing <= 0
            ? TimeSpan.Zero
            : TimeSpan.FromTicks((long)DivideRoundingUp(missing * TimeSpan.TicksPerSecond, (Int128)BytesPerSecond * _frequency));
    }

    /// <summary>Charges bytes that went; the bucket may go into debt.</summary>
    public void Take(long bytes) => _tokens -= (Int128)bytes * _frequency;

    /// <summary>
    /// Charges <paramref name="bytes"/> if they may go now: a policer for datagrams, which are
    /// dropped rather than delayed. One larger than the burst goes when the bucket is full.
    /// </summary>
    public bool TryTake(int bytes)
    {
        Refill();
        if (_tokens < (Int128)Math.Min(bytes, Capacity) * _frequency)
        {
            return false;
        }

        Take(bytes);
        return true;
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Int128.Min(_full, _tokens + ((Int128)(now - _refilledAt) * BytesPerSecond));
        _refilledAt = now;
    }

    private static Int128 DivideRoundingUp(Int128 dividend, Int128 divisor) => (dividend + divisor - 1) / divisor;
}
