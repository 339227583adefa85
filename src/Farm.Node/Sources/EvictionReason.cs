namespace Farm.Node.Sources;

/// <summary>Why a connection lost its place to a newcomer, as the eviction metric and the session record name it.</summary>
public static class EvictionReason
{
    /// <summary>Its handshake was unfinished, the oldest of the source holding the most unfinished handshakes.</summary>
    public const string PendingHandshake = "pending-handshake";

    /// <summary>The outcome in the evicted session's record.</summary>
    public const string Outcome = "evicted";
}
