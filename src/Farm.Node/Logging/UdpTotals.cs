namespace Farm.Node.Logging;

/// <summary>A UDP association's datagram counts, for its session record.</summary>
public sealed record UdpTotals(long DatagramsUp, long DatagramsDown, long Dropped);
