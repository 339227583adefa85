namespace Farm.Bench.Soak;

/// <summary>
/// What the load did on one node, counted by the lanes as they go and read by the sampler. A failure is a
/// session or datagram that did not complete; a corruption is one that completed with the wrong bytes.
/// </summary>
public sealed class SoakTally
{
    private long _bulkBytes;
    private long _bulkStreams;
    private long _churnSessions;
    private long _idleOpen;
    private long _idleReplaced;
    private long _datagramsSent;
    private long _datagramsEchoed;
    private long _failures;
    private long _corruptions;

    public long BulkBytes => Interlocked.Read(ref _bulkBytes);

    public long BulkStreams => Interlocked.Read(ref _bulkStreams);

    public long ChurnSessions => Interlocked.Read(ref _churnSessions);

    public long IdleOpen => Interlocked.Read(ref _idleOpen);

    public long IdleReplaced => Interlocked.Read(ref _idleReplaced);

    public long DatagramsSent => Interlocked.Read(ref _datagramsSent);

    public long DatagramsEchoed => Interlocked.Read(ref _datagramsEchoed);

    public long Failures => Interlocked.Read(ref _failures);

    public long Corruptions => Interlocked.Read(ref _corruptions);

    public void BulkStream(long bytes)
    {
        Interlocked.Add(ref _bulkBytes, bytes);
        Interlocked.Increment(ref _bulkStreams);
    }

    public void ChurnSession() => Interlocked.Increment(ref _churnSessions);

    public void IdleOpened() => Interlocked.Increment(ref _idleOpen);

    public void IdleClosed() => Interlocked.Decrement(ref _idleOpen);

    public void IdleReplacedOne() => Interlocked.Increment(ref _idleReplaced);

    public void DatagramSent() => Interlocked.Increment(ref _datagramsSent);

    public void DatagramEchoed() => Interlocked.Increment(ref _datagramsEchoed);

    public void Failure() => Interlocked.Increment(ref _failures);

    public void Corruption() => Interlocked.Increment(ref _corruptions);
}
