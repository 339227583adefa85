using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// Open connections and unfinished handshakes per source (<see cref="SourceKey"/>), so that one client
/// holding idle connections cannot take the node's descriptors from the others. Each admitted
/// connection holds a <see cref="SourceTicket"/>: its handshake and its close are given back through
/// the ticket, each at most once, so no path that ends a connection twice or from two places can
/// drift the counts. A source with nothing open has no entry.
/// </summary>
public sealed class SourceConnections(int maxOpen, int maxPending)
{
    private readonly Dictionary<SourceKey, Counts> _sources = [];
    private readonly Lock _gate = new();

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

    /// <summary>A ticket when one more connection from <paramref name="source"/> fits its caps, else null and the cap it would exceed.</summary>
    public SourceTicket? TryOpen(IPAddress source, out SourceAdmission admission)
    {
        var key = SourceKey.Of(source);
        lock (_gate)
        {
            _sources.TryGetValue(key, out var counts);
            admission = counts.Open >= maxOpen ? SourceAdmission.OverSessionCap
                : counts.Pending >= maxPending ? SourceAdmission.OverHandshakeCap
                : SourceAdmission.Admitted;
            if (admission != SourceAdmission.Admitted)
            {
                return null;
            }

            _sources[key] = new Counts(counts.Open + 1, counts.Pending + 1);
            return new SourceTicket(this, key);
        }
    }

    public int OpenFrom(IPAddress source)
    {
        lock (_gate)
        {
            return _sources.TryGetValue(SourceKey.Of(source), out var counts) ? counts.Open : 0;
        }
    }

    /// <summary>Only a ticket gives back, and only what it took.</summary>
    internal void GiveBack(SourceKey key, int open, int pending)
    {
        lock (_gate)
        {
            var counts = _sources[key];
            counts = new Counts(counts.Open - open, counts.Pending - pending);
            if (counts.Open == 0)
            {
                _sources.Remove(key);
            }
            else
            {
                _sources[key] = counts;
            }
        }
    }

    private readonly record struct Counts(int Open, int Pending);
}
