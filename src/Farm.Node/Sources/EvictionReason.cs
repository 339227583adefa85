namespace Farm.Node.Sources;

/// <summary>Why a connection lost its place to a newcomer, as the eviction metric and the session record name it.</summary>
public static class EvictionReason
{
    /// <summary>Its handshake was unfinished, and its source held more than its fair share of the node.</summary>
    public const string PendingHandshake = "pending-handshake";

    /// <summary>Its handshake was over but its request not yet carried out (waiting for a lookup place, resolving, dialing), and its source held more than its fair share.</summary>
    public const string PendingRequest = "pending-request";

    /// <summary>It relayed nothing either way for <c>Farm:Socks:EvictIdleAfter</c>, and its source held more than its fair share.</summary>
    public const string IdleRelay = "idle-relay";

    /// <summary>The outcome in the evicted session's record.</summary>
    public const string Outcome = "evicted";
}
