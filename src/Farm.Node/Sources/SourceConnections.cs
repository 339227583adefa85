using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// Open connections, unfinished handshakes and relaying sessions per source (<see cref="SourceKey"/>,
/// grouped by <paramref name="prefixes"/>), so that one client holding idle connections cannot take the
/// node's descriptors from the others. Each admitted connection holds a <see cref="SourceTicket"/>: its
/// handshake and its close are given back through the ticket, each at most once, so no path that ends
/// a connection twice or from two places can drift the counts. A source with nothing open has no entry.
/// <para>
/// When the node is full, a newcomer takes a place by <see cref="FairShare"/>: only from a source holding
/// more than its fair share, an unfinished handshake or request (waiting for a lookup, dialing) first,
/// else a relaying session idle at least
/// <paramref name="evictIdleAfter"/>.
/// </para>
/// </summary>
public sealed class SourceConnections(int maxOpen, int maxPending, SourcePrefixLengths prefixes, TimeSpan evictIdleAfter, TimeProvider time)
{
    /// <summary>
    /// Where a trusted proxy's connections count until their header names the client: a bucket of their own, under
    /// the per-source caps, so that neither the proxy's own source group nor the clients behind it can block them
    /// (outsider review att16d F1). No address maps to it: an IPv4 key never exceeds 32 bits.
    /// </summary>
    private static readonly SourceKey HeaderPending = new(UInt128.MaxValue, false);

    private readonly Dictionary<SourceKey, Source> _sources = [];
    private readonly Lock _gate = new();
    private long _admitted;
    private int _maxOpen = maxOpen;
    private int _maxPending = maxPending;

    public SourceConnections(int maxOpen, int maxPending, SourcePrefixLengths prefixes)
        : this(maxOpen, maxPending, prefixes, TimeSpan.FromSeconds(60), TimeProvider.System)
    {
    }

    public SourceConnections(int maxOpen, int maxPending)
        : this(maxOpen, maxPending, SourcePrefixLengths.PerHost)
    {
    }

    /// <summary>Sources holding at least one open connection.</summary>
    public int Sources
    {
        get
        {
            lock (_gate)
            {
                return _sources.Count;
            }
        }
    }

    /// <summary>The per-source caps, set again once the node has measured what it holds at start.</summary>
    public void SetCaps(int maxOpen, int maxPending)
    {
        lock (_gate)
        {
            _maxOpen = maxOpen;
            _maxPending = maxPending;
        }
    }

    /// <summary>
    /// A ticket for <paramref name="session"/> when one more connection from <paramref name="source"/>
    /// fits its caps, else null and the cap it would exceed. When the node holds <paramref name="nodeCap"/>
    /// or more (<paramref name="nodeOpen"/>), it fits only by evicting another source's connection, which
    /// is returned in <paramref name="evicted"/> for the caller to close. <paramref name="policyCap"/>, the
    /// policy's <c>limit from NET sessions N</c> for this source, lowers the configured per-source cap.
    /// </summary>
    /// <param name="trustedProxy">The source is a trusted PROXY-protocol proxy: the connection counts in the bucket of
    /// connections whose header is not read yet, under the configured per-source caps, until
    /// <see cref="SourceTicket.Introduce"/> names the client behind it, whose per-source caps apply then.</param>
    public SourceTicket? TryOpen(IPAddress source, long session, int nodeOpen, int nodeCap, int? policyCap, out SourceAdmission admission, out SourceTicket? evicted, bool trustedProxy = false)
    {
        var key = trustedProxy ? HeaderPending : SourceKey.Of(source, prefixes);
        evicted = null;
        lock (_gate)
        {
            _sources.TryGetValue(key, out var counts);
            admission = AdmissionLocked(counts, trustedProxy ? null : policyCap);
            if (admission == SourceAdmission.Admitted && nodeOpen >= nodeCap)
            {
                evicted = EvictFor(counts?.Open ?? 0, nodeCap);
                admission = evicted is null ? SourceAdmission.OverNodeCap : SourceAdmission.Admitted;
            }

            if (admission != SourceAdmission.Admitted)
            {
                return null;
            }

            if (counts is null)
            {
                counts = new Source();
                _sources[key] = counts;
            }

            var ticket = new SourceTicket(this, key, session, ++_admitted);
            counts.Open++;
            counts.Pending.AddLast(ticket.Pending);
            return ticket;
        }
    }

    /// <summary>
    /// The client a trusted proxy's header named for <paramref name="ticket"/>: the connection counts under the client's
    /// source from now on, if one more fits the client's caps (<paramref name="policyCap"/> as in <see cref="TryOpen(IPAddress, long, int, int, int?, out SourceAdmission, out SourceTicket?, bool)"/>);
    /// else it stays in the header-pending bucket and the caller ends it. The caps apply whatever the client: one in the
    /// proxy's own group, or the proxy itself (a LOCAL or UNKNOWN header), is capped as any other.
    /// </summary>
    internal SourceAdmission MoveTo(SourceTicket ticket, IPAddress client, int? policyCap)
    {
        var key = SourceKey.Of(client, prefixes);
        lock (_gate)
        {
            // Fail closed: a ticket no longer counted anywhere has been given back, its connection is ending.
            if (ticket.Key != HeaderPending || !_sources.TryGetValue(ticket.Key, out var from))
            {
                return SourceAdmission.OverSessionCap;
            }

            _sources.TryGetValue(key, out var to);
            var admission = AdmissionLocked(to, policyCap);
            if (admission != SourceAdmission.Admitted)
            {
                return admission;
            }

            var pending = ticket.Pending.List is not null;
            Unlist(from, ticket);
            if (--from.Open == 0)
            {
                _sources.Remove(ticket.Key);
            }

            if (to is null)
            {
                to = new Source();
                _sources[key] = to;
            }

            to.Open++;
            if (pending)
            {
                to.Pending.AddLast(ticket.Pending);
            }

            ticket.Key = key;
            return SourceAdmission.Admitted;
        }
    }

    /// <summary>A ticket for <paramref name="session"/> when one more connection from <paramref name="source"/> fits its caps; the node is not full.</summary>
    public SourceTicket? TryOpen(IPAddress source, long session, out SourceAdmission admission) =>
        TryOpen(source, session, 0, int.MaxValue, null, out admission, out _);

    public int OpenFrom(IPAddress source)
    {
        lock (_gate)
        {
            return _sources.TryGetValue(SourceKey.Of(source, prefixes), out var counts) ? counts.Open : 0;
        }
    }

    public int PendingFrom(IPAddress source)
    {
        lock (_gate)
        {
            return _sources.TryGetValue(SourceKey.Of(source, prefixes), out var counts) ? counts.Pending.Count : 0;
        }
    }

    /// <summary>Only a ticket gives back, and only what it took: its connection, and its place in whichever list holds it.</summary>
    internal void GiveBack(SourceTicket ticket)
    {
        lock (_gate)
        {
            var counts = _sources[ticket.Key];
            Unlist(counts, ticket);
            if (--counts.Open == 0)
            {
                _sources.Remove(ticket.Key);
            }
        }
    }

    /// <summary>The ticket's handshake is over: its request is carried out from now on, evictable until it relays, unless it ended first.</summary>
    internal void HandshakeOver(SourceTicket ticket)
    {
        lock (_gate)
        {
            if (!_sources.TryGetValue(ticket.Key, out var counts))
            {
                return;
            }

            if (ticket.Pending.List is not null)
            {
                counts.Pending.Remove(ticket.Pending);
            }

            if (ticket.CarriesOutRequest)
            {
                counts.Requests.AddLast(ticket.Request);
            }
        }
    }

    /// <summary>The ticket's session relays: listed under its source, unless it ended first.</summary>
    internal void StartRelaying(SourceTicket ticket)
    {
        ticket.Activity!.Touched(time.GetTimestamp());
        lock (_gate)
        {
            if (ticket.TryRelay())
            {
                var counts = _sources[ticket.Key];
                if (ticket.Request.List is not null)
                {
                    counts.Requests.Remove(ticket.Request);
                }

                counts.Relaying.AddLast(ticket.Relay);
            }
        }
    }

    /// <summary>
    /// Under the lock: the connection <see cref="FairShare"/> gives up for a newcomer whose source holds
    /// <paramref name="newcomerOpen"/>. A scan of the sources, and of the relays of those over their
    /// share, paid only while the node is full.
    /// </summary>
    private SourceTicket? EvictFor(int newcomerOpen, int nodeCap)
    {
        var share = FairShare.Of(nodeCap, FairShare.SourcesWith(_sources.Count, newcomerOpen));
        if (newcomerOpen >= share)
        {
            return null;
        }

        var table = new List<Source>(_sources.Count);
        var shares = new List<SourceShare>(_sources.Count);
        foreach (var counts in _sources.Values)
        {
            table.Add(counts);

            // A source at or under its share gives up nothing: its relays are not worth a look.
            shares.Add(new SourceShare(counts.Open, OldestUnfinished(counts)?.Order, counts.Open > share ? LongestIdle(counts, out _) : TimeSpan.Zero));
        }

        if (FairShare.Choose(shares, newcomerOpen, nodeCap, evictIdleAfter) is not { } choice)
        {
            return null;
        }

        var victim = table[choice.Source];
        if (choice.Victim == EvictionVictim.IdleRelay)
        {
            LongestIdle(victim, out var idlest);
            if (idlest is not null && idlest.TryEvictRelay())
            {
                victim.Relaying.Remove(idlest.Relay);
                return idlest;
            }

            return null;
        }

        // A session closing right now has left its state but not yet its list: it is passed by (its close unlists it anyway).
        for (var next = OldestUnfinished(victim); next is not null; next = OldestUnfinished(victim))
        {
            Unlist(victim, next);
            if (next.TryEvictHandshake() || next.TryEvictRequest())
            {
                return next;
            }
        }

        return null;
    }

    /// <summary>Under the lock: whether one more connection fits a source holding <paramref name="counts"/>.</summary>
    private SourceAdmission AdmissionLocked(Source? counts, int? policyCap) =>
        (counts?.Open ?? 0) >= Math.Min(_maxOpen, policyCap ?? int.MaxValue) ? SourceAdmission.OverSessionCap
        : (counts?.Pending.Count ?? 0) >= _maxPending ? SourceAdmission.OverHandshakeCap
        : SourceAdmission.Admitted;

    /// <summary>Under the lock: the source's oldest unfinished handshake or request, null when none.</summary>
    private static SourceTicket? OldestUnfinished(Source counts)
    {
        var handshake = counts.Pending.First?.Value;
        var request = counts.Requests.First?.Value;
        return handshake is null ? request
            : request is null ? handshake
            : handshake.Order < request.Order ? handshake : request;
    }

    /// <summary>Under the lock: takes the ticket off whichever of its source's lists holds it.</summary>
    private static void Unlist(Source counts, SourceTicket ticket)
    {
        if (ticket.Pending.List is not null)
        {
            counts.Pending.Remove(ticket.Pending);
        }

        if (ticket.Request.List is not null)
        {
            counts.Requests.Remove(ticket.Request);
        }

        if (ticket.Relay.List is not null)
        {
            counts.Relaying.Remove(ticket.Relay);
        }
    }

    private TimeSpan LongestIdle(Source counts, out SourceTicket? idlest)
    {
        idlest = null;
        var oldest = long.MaxValue;
        foreach (var ticket in counts.Relaying)
        {
            var last = ticket.Activity!.LastActivity;
            if (last < oldest)
            {
                oldest = last;
                idlest = ticket;
            }
        }

        return idlest is null ? TimeSpan.Zero : time.GetElapsedTime(oldest);
    }

    private sealed class Source
    {
        public int Open { get; set; }

        public LinkedList<SourceTicket> Pending { get; } = new();

        public LinkedList<SourceTicket> Requests { get; } = new();

        public LinkedList<SourceTicket> Relaying { get; } = new();
    }
}
