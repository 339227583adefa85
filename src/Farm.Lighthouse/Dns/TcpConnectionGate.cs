using System.Net;
using Farm.Shared.Net;

namespace Farm.Lighthouse.Dns;

/// <summary>
/// Open DNS-over-TCP connections, in total and per source (<see cref="SourceKey"/>). Each admitted
/// connection holds a <see cref="Lease"/> whose release is idempotent, so no path that ends a
/// connection twice can drift the counts; a source with nothing open has no entry.
/// </summary>
public sealed class TcpConnectionGate(int maxConnections, int maxPerSource)
{
    private readonly Dictionary<SourceKey, int> _sources = [];
    private readonly Lock _gate = new();
    private int _open;

    public int Open
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    public int TrackedSources
    {
        get
        {
            lock (_gate)
            {
                return _sources.Count;
            }
        }
    }

    /// <summary>A lease when the connection fits, else null and the cap it would exceed.</summary>
    public Lease? TryEnter(IPAddress source, out TcpAdmission admission)
    {
        var key = SourceKey.Of(source);
        lock (_gate)
        {
            _sources.TryGetValue(key, out var fromSource);
            admission = _open >= maxConnections ? TcpAdmission.OverConnectionCap
                : fromSource >= maxPerSource ? TcpAdmission.OverSourceCap
                : TcpAdmission.Admitted;
            if (admission != TcpAdmission.Admitted)
            {
                return null;
            }

            _sources[key] = fromSource + 1;
            _open++;
            return new Lease(this, key);
        }
    }

    private void Leave(SourceKey key)
    {
        lock (_gate)
        {
            _open--;
            var left = _sources[key] - 1;
            if (left == 0)
            {
                _sources.Remove(key);
            }
            else
            {
                _sources[key] = left;
            }
        }
    }

    /// <summary>One admitted connection's place; disposing gives it back once, however often it is called.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly TcpConnectionGate _owner;
        private readonly SourceKey _key;
        private int _released;

        internal Lease(TcpConnectionGate owner, SourceKey key)
        {
            _owner = owner;
            _key = key;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _owner.Leave(_key);
            }
        }
    }
}
