using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// Open connections and unfinished handshakes per source (<see cref="SourceKey"/>, grouped by
/// <paramref name="prefixes"/>), so that one client holding idle connections cannot take the node's
/// descriptors from the others. Each admitted connection holds a <see cref="SourceTicket"/>: its
/// handshake and its close are given back through the ticket, each at most once, so no path that ends
/// a connection twice or from two places can drift the counts. A source with nothing open has no entry.
/// <para>
/// When the node is full, a newcomer takes the place of the oldest unfinished handshake of the source
/// holding the most of them, if that source holds more than the newcomer's: idle handshakes spread over
/// many addresses cannot keep every other client out, and a relaying session is never taken.
/// </para>
/// </summary>
public sealed class SourceConnections(int maxOpen, int maxPending, SourcePrefixLengths prefixes)
{
    private readonly Dictionary<SourceKey, Source> _sources = [];
    private readonly Lock _gate = new();
    private long _admitted;

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

    /// <summary>
    /// A ticket for <paramref name="session"/> when one more connection from <paramref name="source"/>
    /// fits its caps, else null and the cap it would exceed. When <paramref name="nodeFull"/>, it fits
    /// only by evicting another source's handshake, which is returned in <paramref name="evicted"/>
    /// for the caller to close.
    /// </summary>
    public SourceTicket? TryOpen(IPAddress source, long session, bool nodeFull, out SourceAdmission admission, out SourceTicket? evicted)
    {
        var key = SourceKey.Of(source, prefixes);
        evicted = null;
        lock (_gate)
        {
            _sources.TryGetValue(key, out var counts);
            var pending = counts?.Pending.Count ?? 0;
            admission = (counts?.Open ?? 0) >= maxOpen ? SourceAdmission.OverSessionCap
                : pending >= maxPending ? SourceAdmission.OverHandshakeCap
                : SourceAdmission.Admitted;
            if (admission == SourceAdmission.Admitted && nodeFull)
            {
                evicted = EvictFor(pending);
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

    /// <summary>A ticket for <paramref name="session"/> when one more connection from <paramref name="source"/> fits its caps; the node is not full.</summary>
    public SourceTicket? TryOpen(IPAddress source, long session, out SourceAdmission admission) =>
        TryOpen(source, session, nodeFull: false, out admission, out _);

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

    /// <summary>Only a ticket gives back, and only what it took.</summary>
    internal void GiveBack(SourceTicket ticket, bool open, bool pending)
    {
        lock (_gate)
        {
            var counts = _sources[ticket.Key];
            if (pending)
            {
                counts.Pending.Remove(ticket.Pending);
            }

            if (open && --counts.Open == 0)
            {
                _sources.Remove(ticket.Key);
            }
        }
    }

    /// <summary>
    /// Under the lock: the oldest handshake of the source with the most of them (the oldest first
    /// among equals), when that source holds more than <paramref name="newcomerPending"/>. A scan of
    /// the sources, paid only while the node is full.
    /// </summary>
    private SourceTicket? EvictFor(int newcomerPending)
    {
        Source? most = null;
        foreach (var counts in _sources.Values)
        {
            if (counts.Pending.First is { } oldest
                && (most is null
                    || counts.Pending.Count > most.Pending.Count
                    || (counts.Pending.Count == most.Pending.Count && oldest.Value.Order < most.Pending.First!.Value.Order)))
            {
                most = counts;
            }
        }

        if (most is null || most.Pending.Count <= newcomerPending)
        {
            return null;
        }

        // A handshake finishing right now has left the Handshaking state but not yet the list: pass it by.
        for (var node = most.Pending.First; node is not null; node = node.Next)
        {
            if (node.Value.TryEvict())
            {
                most.Pending.Remove(node);
                return node.Value;
            }
        }

        return null;
    }

    private sealed class Source
    {
        public int Open { get; set; }

        public LinkedList<SourceTicket> Pending { get; } = new();
    }
}
