using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ARSoft.Tools.Net.Dns;

namespace Farm.Lighthouse.Dns;

/// <summary>Queries answered, by response code, and queries that got no answer of ours; the telemetry exports these.</summary>
public sealed class DnsQueryCounters
{
    private readonly ConcurrentDictionary<ReturnCode, StrongBox<long>> _answered = new();
    private long _failed;
    private long _dropped;
    private long _slipped;
    private long _tcpOverConnectionCap;
    private long _tcpOverSourceCap;

    /// <summary>Datagrams or TCP messages that could not be parsed, or whose answer failed; they got no answer or the library's SERVFAIL.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>UDP queries over the rate limit that got no reply.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>UDP queries over the rate limit that got an empty truncated reply.</summary>
    public long Slipped => Interlocked.Read(ref _slipped);

    public void RecordLimited(RateDecision decision)
    {
        if (decision == RateDecision.Slip)
        {
            Interlocked.Increment(ref _slipped);
        }
        else if (decision == RateDecision.Drop)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void RecordTcpRefused(TcpAdmission admission)
    {
        if (admission == TcpAdmission.OverConnectionCap)
        {
            Interlocked.Increment(ref _tcpOverConnectionCap);
        }
        else if (admission == TcpAdmission.OverSourceCap)
        {
            Interlocked.Increment(ref _tcpOverSourceCap);
        }
    }

    /// <summary>TCP connections closed as they were accepted, for the cap they would have exceeded.</summary>
    public long TcpRefused(TcpAdmission admission) => admission switch
    {
        TcpAdmission.OverConnectionCap => Interlocked.Read(ref _tcpOverConnectionCap),
        TcpAdmission.OverSourceCap => Interlocked.Read(ref _tcpOverSourceCap),
        _ => 0,
    };

    public void RecordAnswer(ReturnCode code) =>
        Interlocked.Increment(ref _answered.GetOrAdd(code, static _ => new StrongBox<long>()).Value);

    public void RecordFailure() => Interlocked.Increment(ref _failed);

    public long Answered(ReturnCode code) => _answered.TryGetValue(code, out var count) ? Interlocked.Read(ref count.Value) : 0;

    public IReadOnlyDictionary<ReturnCode, long> Snapshot() =>
        _answered.ToDictionary(pair => pair.Key, pair => Interlocked.Read(ref pair.Value.Value));
}
