using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// One admitted connection's place under its source's caps. The handshake's place is given back by
/// <see cref="HandshakeDone"/> or by <see cref="Close"/>, whichever comes first, and the connection's by
/// <see cref="Close"/>; a second call of either does nothing, from whatever thread.
/// </summary>
public sealed class SourceTicket
{
    private const int Handshaking = 0;
    private const int Established = 1;
    private const int Closed = 2;

    private readonly SourceConnections _owner;
    private readonly SourceKey _key;
    private int _state = Handshaking;

    internal SourceTicket(SourceConnections owner, SourceKey key)
    {
        _owner = owner;
        _key = key;
    }

    /// <summary>The connection's handshake is over, however it ended.</summary>
    public void HandshakeDone()
    {
        if (Interlocked.CompareExchange(ref _state, Established, Handshaking) == Handshaking)
        {
            _owner.GiveBack(_key, open: 0, pending: 1);
        }
    }

    /// <summary>The connection is closed.</summary>
    public void Close()
    {
        var before = Interlocked.Exchange(ref _state, Closed);
        if (before != Closed)
        {
            _owner.GiveBack(_key, open: 1, pending: before == Handshaking ? 1 : 0);
        }
    }
}
