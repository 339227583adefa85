using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// One admitted connection's place under its source's caps. The handshake's place is given back by
/// <see cref="HandshakeDone"/>, by <see cref="Close"/> or by an eviction, whichever comes first, and
/// the connection's by <see cref="Close"/>; a second call of either does nothing, from whatever thread.
/// </summary>
public sealed class SourceTicket
{
    private const int Handshaking = 0;
    private const int Established = 1;
    private const int Evicted = 2;
    private const int Closed = 3;

    private readonly SourceConnections _owner;
    private int _state = Handshaking;

    internal SourceTicket(SourceConnections owner, SourceKey key, long session, long order)
    {
        _owner = owner;
        Key = key;
        Session = session;
        Order = order;
        Pending = new LinkedListNode<SourceTicket>(this);
    }

    /// <summary>The session this ticket admitted, so the node can close it when it is evicted.</summary>
    public long Session { get; }

    internal SourceKey Key { get; }

    /// <summary>Admission order across all sources: lower is older.</summary>
    internal long Order { get; }

    /// <summary>The ticket's place in its source's list of unfinished handshakes, oldest first.</summary>
    internal LinkedListNode<SourceTicket> Pending { get; }

    /// <summary>
    /// The connection's handshake is over, however it ended. False when its place was taken by an
    /// eviction (or it is closed): the connection must end without being served.
    /// </summary>
    public bool HandshakeDone()
    {
        var before = Interlocked.CompareExchange(ref _state, Established, Handshaking);
        if (before == Handshaking)
        {
            _owner.GiveBack(this, open: false, pending: true);
            return true;
        }

        return before == Established;
    }

    /// <summary>The connection is closed.</summary>
    public void Close()
    {
        var before = Interlocked.Exchange(ref _state, Closed);
        if (before != Closed)
        {
            _owner.GiveBack(this, open: true, pending: before == Handshaking);
        }
    }

    /// <summary>Called by the owner, under its lock: takes the place of a connection still handshaking, never of one that got further.</summary>
    internal bool TryEvict() => Interlocked.CompareExchange(ref _state, Evicted, Handshaking) == Handshaking;
}
