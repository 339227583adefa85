using System.Net;
using Farm.Node.Relaying;
using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// One admitted connection's place under its source's caps. The handshake's place is given back by
/// <see cref="HandshakeDone"/>, by <see cref="Close"/> or by an eviction, whichever comes first, and
/// the connection's by <see cref="Close"/>; a second call of either does nothing, from whatever thread.
/// Between its handshake and its relay the session carries out its request (waits for a lookup place,
/// resolves, dials) and may be evicted as a handshake may: else a source held its sessions there to
/// dodge eviction (outsider review att16c). A relaying session is marked by <see cref="Relaying"/>, so
/// that it may be judged idle while the node is full.
/// </summary>
public sealed class SourceTicket
{
    private const int Handshaking = 0;
    private const int Established = 1;
    private const int Relayed = 2;
    private const int HandshakeEvicted = 3;
    private const int RelayEvicted = 4;
    private const int RequestEvicted = 5;
    private const int Closed = 6;

    private readonly SourceConnections _owner;
    private int _state = Handshaking;
    private string? _evictedFor;

    internal SourceTicket(SourceConnections owner, SourceKey key, long session, long order)
    {
        _owner = owner;
        Key = key;
        Session = session;
        Order = order;
        Pending = new LinkedListNode<SourceTicket>(this);
        Request = new LinkedListNode<SourceTicket>(this);
        Relay = new LinkedListNode<SourceTicket>(this);
    }

    /// <summary>The session this ticket admitted, so the node can close it when it is evicted.</summary>
    public long Session { get; }

    /// <summary>Why the connection lost its place (<see cref="EvictionReason"/>), null while it holds it.</summary>
    public string? EvictedFor => Volatile.Read(ref _state) switch
    {
        HandshakeEvicted => EvictionReason.PendingHandshake,
        RelayEvicted => EvictionReason.IdleRelay,
        RequestEvicted => EvictionReason.PendingRequest,
        _ => Volatile.Read(ref _evictedFor),
    };

    /// <summary>The source it counts under: for a trusted proxy's connection, the header-pending bucket until <see cref="Introduce"/> names the client behind it. Set under the owner's lock.</summary>
    internal SourceKey Key { get; set; }

    /// <summary>Admission order across all sources: lower is older.</summary>
    internal long Order { get; }

    /// <summary>The ticket's place in its source's list of unfinished handshakes, oldest first.</summary>
    internal LinkedListNode<SourceTicket> Pending { get; }

    /// <summary>The ticket's place in its source's list of requests being carried out, oldest first.</summary>
    internal LinkedListNode<SourceTicket> Request { get; }

    /// <summary>The ticket's place in its source's list of relaying sessions.</summary>
    internal LinkedListNode<SourceTicket> Relay { get; }

    /// <summary>The relay's bytes and last activity, once <see cref="Relaying"/> was called.</summary>
    internal RelayCounters? Activity { get; private set; }

    /// <summary>
    /// The connection's handshake is over, however it ended. False when its place was taken by an
    /// eviction (or it is closed): the connection must end without being served.
    /// </summary>
    public bool HandshakeDone()
    {
        var before = Interlocked.CompareExchange(ref _state, Established, Handshaking);
        if (before == Handshaking)
        {
            _owner.HandshakeOver(this);
            return true;
        }

        return before == Established;
    }

    /// <summary>
    /// A trusted proxy's header named <paramref name="client"/>: the connection counts under the client's source
    /// from now on, if it fits the client's caps (<paramref name="policyCap"/>, the policy's per-network limit); else
    /// the cap it would exceed, and the connection must end.
    /// </summary>
    public SourceAdmission Introduce(IPAddress client, int? policyCap) => _owner.MoveTo(this, client, policyCap);

    /// <summary>The session relays from now on; <paramref name="activity"/> tells how long it has been idle.</summary>
    public void Relaying(RelayCounters activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        Activity = activity;
        _owner.StartRelaying(this);
    }

    /// <summary>The connection is closed.</summary>
    public void Close()
    {
        var before = Interlocked.Exchange(ref _state, Closed);
        if (before != Closed)
        {
            Volatile.Write(ref _evictedFor, before switch
            {
                HandshakeEvicted => EvictionReason.PendingHandshake,
                RelayEvicted => EvictionReason.IdleRelay,
                RequestEvicted => EvictionReason.PendingRequest,
                _ => null,
            });
            _owner.GiveBack(this);
        }
    }

    /// <summary>Called by the owner, under its lock: an established session starts relaying, unless it ended meanwhile.</summary>
    internal bool TryRelay() => Interlocked.CompareExchange(ref _state, Relayed, Established) == Established;

    /// <summary>Called by the owner, under its lock: whether the handshake is over and the session has neither relayed nor ended.</summary>
    internal bool CarriesOutRequest => Volatile.Read(ref _state) == Established;

    /// <summary>Called by the owner, under its lock: takes the place of a connection still handshaking, never of one that got further.</summary>
    internal bool TryEvictHandshake() => Interlocked.CompareExchange(ref _state, HandshakeEvicted, Handshaking) == Handshaking;

    /// <summary>Called by the owner, under its lock: takes the place of a session still carrying out its request, never of one relaying.</summary>
    internal bool TryEvictRequest() => Interlocked.CompareExchange(ref _state, RequestEvicted, Established) == Established;

    /// <summary>Called by the owner, under its lock, on a relaying session it judged idle.</summary>
    internal bool TryEvictRelay() => Interlocked.CompareExchange(ref _state, RelayEvicted, Relayed) == Relayed;
}
