namespace Farm.Node.Relaying;

/// <summary>
/// Bytes moved by a live relay; each direction writes only its own field, and readers
/// (session listings) take a volatile snapshot.
/// </summary>
public sealed class RelayCounters
{
    private long _bytesUp;
    private long _bytesDown;

    public long BytesUp => Volatile.Read(ref _bytesUp);

    public long BytesDown => Volatile.Read(ref _bytesDown);

    public void AddUp(int count) => Volatile.Write(ref _bytesUp, _bytesUp + count);

    public void AddDown(int count) => Volatile.Write(ref _bytesDown, _bytesDown + count);
}
