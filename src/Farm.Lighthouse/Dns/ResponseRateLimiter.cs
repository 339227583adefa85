using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Farm.Shared.Net;

namespace Farm.Lighthouse.Dns;

/// <summary>
/// A token bucket per source prefix for UDP responses. The table holds at most
/// <see cref="DnsRateLimitOptions.MaxSources"/> prefixes in least-recently-seen order; a prefix
/// idle long enough to have refilled its bucket is forgotten, since it would start full anyway.
/// </summary>
public sealed class ResponseRateLimiter
{
    private readonly DnsRateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refill;
    private readonly Dictionary<UInt128, LinkedListNode<Bucket>> _buckets = [];
    private readonly LinkedList<Bucket> _recent = new();
    private readonly Lock _gate = new();

    public ResponseRateLimiter(DnsRateLimitOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _refill = options.ResponsesPerSecond > 0 ? TimeSpan.FromSeconds(options.Burst / options.ResponsesPerSecond) : TimeSpan.Zero;
    }

    public int TrackedSources
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    public RateDecision Decide(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_options.ResponsesPerSecond <= 0)
        {
            return RateDecision.Answer;
        }

        var key = Prefix(source);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_buckets.TryGetValue(key, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
            }
            else
            {
                Forget(now);
                node = _recent.AddFirst(new Bucket(key, _options.Burst, now));
                _buckets.Add(key, node);
            }

            var bucket = node.Value;
            bucket.Tokens = Math.Min(_options.Burst, bucket.Tokens + (_time.GetElapsedTime(bucket.Seen, now).TotalSeconds * _options.ResponsesPerSecond));
            bucket.Seen = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return RateDecision.Answer;
            }

            bucket.Limited++;
            return _options.Slip > 0 && bucket.Limited % _options.Slip == 0 ? RateDecision.Slip : RateDecision.Drop;
        }
    }

    /// <summary>Makes room for one more: refilled prefixes go, then the least recently seen when still full.</summary>
    private void Forget(long now)
    {
        while (_recent.Last is { } oldest
               && (_buckets.Count >= _options.MaxSources || _time.GetElapsedTime(oldest.Value.Seen, now) >= _refill))
        {
            _buckets.Remove(oldest.Value.Key);
            _recent.RemoveLast();
        }
    }

    private UInt128 Prefix(IPAddress source)
    {
        var address = source.Unmapped();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            var bits = BinaryPrimitives.ReadUInt32BigEndian(v4) & Mask32(_options.Ipv4PrefixLength);

            // Kept apart from IPv6 keys as IPv4-mapped addresses are: ::ffff:a.b.c.d.
            return ((UInt128)0xFFFF << 32) | bits;
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(v6) & Mask128(_options.Ipv6PrefixLength);
    }

    private static uint Mask32(int length) => length <= 0 ? 0 : length >= 32 ? uint.MaxValue : uint.MaxValue << (32 - length);

    private static UInt128 Mask128(int length) => length <= 0 ? UInt128.Zero : length >= 128 ? UInt128.MaxValue : UInt128.MaxValue << (128 - length);

    private sealed class Bucket(UInt128 key, double tokens, long seen)
    {
        public UInt128 Key { get; } = key;

        public double Tokens { get; set; } = tokens;

        public long Seen { get; set; } = seen;

        public long Limited { get; set; }
    }
}
