using Farm.Node.Telemetry;

namespace Farm.Node.Udp;

/// <summary>What one association relayed and dropped (also counted node-wide); written only by its relay loop.</summary>
public sealed class UdpCounters(NodeMetrics metrics)
{
    private readonly long[] _dropped = new long[Enum.GetValues<UdpDropReason>().Length];

    public long DatagramsUp { get; private set; }

    public long DatagramsDown { get; private set; }

    public long BytesUp { get; private set; }

    public long BytesDown { get; private set; }

    public long Dropped(UdpDropReason reason) => _dropped[(int)reason];

    public long DroppedTotal => _dropped.Sum();

    public void Up(int bytes)
    {
        DatagramsUp++;
        BytesUp += bytes;
        metrics.UdpDatagramRelayed(up: true);
    }

    public void Down(int bytes)
    {
        DatagramsDown++;
        BytesDown += bytes;
        metrics.UdpDatagramRelayed(up: false);
    }

    public void Drop(UdpDropReason reason)
    {
        _dropped[(int)reason]++;
        metrics.UdpDatagramDropped(reason);
    }
}
