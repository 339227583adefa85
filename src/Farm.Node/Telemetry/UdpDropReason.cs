namespace Farm.Node.Telemetry;

/// <summary>Why a UDP ASSOCIATE relay dropped a datagram; a bounded label.</summary>
public enum UdpDropReason
{
    /// <summary>RFC 1928: a relay that does not reassemble drops any datagram with FRAG set.</summary>
    Fragmented,
    Malformed,
    Blocked,
    Oversized,
}
