namespace Farm.Node.Sessions;

/// <summary>
/// Sessions open on this node: counted up by the supervisor when it creates a connection and down
/// by the connection as it stops, so the supervisor needs no death watch per child (a watch gives
/// every session its own watch tables).
/// </summary>
public sealed class OpenSessionCount
{
    private int _open;

    public int Current => Volatile.Read(ref _open);

    public void Opened() => Interlocked.Increment(ref _open);

    public void Closed() => Interlocked.Decrement(ref _open);
}
