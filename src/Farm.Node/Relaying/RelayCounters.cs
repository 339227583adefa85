namespace Farm.Node.Relaying;

/// <summary>
/// Bytes moved by a live relay and when it last moved any; each direction writes only its own byte
/// field, and readers (session listings, the eviction of idle sessions) take a volatile snapshot.
/// </summary>
public sealed class RelayCounters
{
    private long _bytesUp;
    private long _bytesDown;
    private long _lastActivity;

    public long BytesUp => Volatile.Read(ref _bytesUp);

    public long BytesDown => Volatile.Read(ref _bytesDown);

    /// <summary>The <see cref="TimeProvider"/> timestamp of the last read either way, or of the relay's start.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    public void AddUp(int count) => Volatile.Write(ref _bytesUp, _bytesUp + count);

    public void AddDown(int count) => Volatile.Write(ref _bytesDown, _bytesDown + count);

    /// <summary>One store per read completion: the relay pays nothing more for being judged idle or not.</summary>
    public void Touched(long timestamp) => Volatile.Write(ref _lastActivity, timestamp);
}
