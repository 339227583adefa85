namespace Farm.Shared.Records;

/// <summary>
/// One record per connection when it ends, and one per refused client (a few a second per source, the rest summarised): what an operator
/// needs to answer "who reached what, under which rule, and how did it end". The contract of the session log: the node writes it and
/// farmctl reads it through <see cref="SessionRecordJsonContext"/> (snake_case, nulls left out); operators parse these field names.
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
    /// evicted (<c>pending-handshake</c>, <c>pending-request</c>, <c>idle-relay</c>), or a refusal summary's sentence.
    /// </summary>
    public string? Reason { get; init; }

    public string? Reply { get; init; }

    public required string Outcome { get; init; }

    public long BytesUp { get; init; }

    public long BytesDown { get; init; }

    /// <summary>Kept to the microsecond: the log needs no more, and shorter lines are cheaper to write and ship.</summary>
    public double DurationMs { get; init => field = Math.Round(value, 3); }

    /// <summary>A summary only: the refused clients of the source that got no record of their own, or the records the log dropped.</summary>
    public int? Suppressed { get; init; }

    /// <summary>UDP ASSOCIATE only: datagrams relayed from the client.</summary>
    public long? DatagramsUp { get; init; }

    /// <summary>UDP ASSOCIATE only: datagrams relayed to the client.</summary>
    public long? DatagramsDown { get; init; }

    /// <summary>UDP ASSOCIATE only: datagrams dropped (refused, fragmented, over the rate).</summary>
    public long? DatagramsDropped { get; init; }
}
