namespace Farm.Node.Logging;

/// <summary>
/// One record per connection when it ends, and one per refused client (a few a second per source, the rest summarised): what an operator
/// needs to answer "who reached what, under which rule, and how did it end".
/// </summary>
public sealed record SessionRecord
{
    public required DateTimeOffset Time { get; init; }

    public required string Kind { get; init; }

    public required long Session { get; init; }

    public required string Node { get; init; }

    public required string Listener { get; init; }

    public required string Client { get; init; }

    public string? User { get; init; }

    public int? Version { get; init; }

    public string? Command { get; init; }

    public string? Destination { get; init; }

    public string? Resolved { get; init; }

    public string? Rule { get; init; }

    /// <summary>"direct", "egress ADDR" or "socks5 HOST:PORT".</summary>
    public string? Route { get; init; }

    public string? Decision { get; init; }

    /// <summary>
    /// Why the policy refused the request as sent (kebab-case <c>VerdictReason</c>), why the session was
    /// evicted (<c>pending-handshake</c>, <c>idle-relay</c>), or a refusal summary's sentence.
    /// </summary>
    public string? Reason { get; init; }

    public string? Reply { get; init; }

    public required string Outcome { get; init; }

    public long BytesUp { get; init; }

    public long BytesDown { get; init; }

    public double DurationMs { get; init; }

    /// <summary>A summary only: the refused clients of the source that got no record of their own, or the records the log dropped.</summary>
    public int? Suppressed { get; init; }

    /// <summary>UDP ASSOCIATE only: datagrams relayed each way and dropped.</summary>
    public UdpTotals? Udp { get; init; }
}
