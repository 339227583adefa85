using System.Net;
using Farm.Shared.Net;

namespace Farm.Node.Sources;

/// <summary>
/// Open connections and unfinished handshakes per source (<see cref="SourceKey"/>), so that one client
/// holding idle connections cannot take the node's descriptors from the others. A connection is opened
/// by the accepting supervisor and released by its own actor.
/// </summary>
public sealed class SourceConnections(int maxOpen, int maxPending)
{
    private readonly Dictionary<SourceKey, Counts> _sources = [];
    private readonly Lock _gate = new();

    public SourceAdmission TryOpen(IPAddress source)
    {
        var key = SourceKey.Of(source);
        lock (_gate)
        {
            _sources.TryGetValue(key, out var counts);
            if (counts.Open >= maxOpen)
            {
                return SourceAdmission.OverSessionCap;
            }

            if (counts.Pending >= maxPending)
            {
                return SourceAdmission.OverHandshakeCap;
            }

            _sources[key] = new Counts(counts.Open + 1, counts.Pending + 1);
            return SourceAdmission.Admitted;
        }
    }

    /// <summary>The connection's handshake is over, however it ended.</summary>
    public void HandshakeDone(IPAddress source) => Change(source, open: 0, pending: -1);

    /// <summary>The connection is closed; <paramref name="handshakePending"/> when it never finished its handshake.</summary>
    public void Closed(IPAddress source, bool handshakePending) => Change(source, open: -1, pending: handshakePending ? -1 : 0);

    public int OpenFrom(IPAddress source)
    {
        lock (_gate)
        {
            return _sources.TryGetValue(SourceKey.Of(source), out var counts) ? counts.Open : 0;
        }
    }

    private void Change(IPAddress source, int open, int pending)
    {
        var key = SourceKey.Of(source);
        lock (_gate)
        {
            _sources.TryGetValue(key, out var counts);
            counts = new Counts(Math.Max(0, counts.Open + open), Math.Max(0, counts.Pending + pending));
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
