namespace Farm.Shared.Cluster;

/// <summary>The split-brain resolver, bound from <c>Farm:Cluster:SplitBrain</c>.</summary>
public sealed class SplitBrainOptions
{
    /// <summary>An Akka.NET SBR strategy: keep-majority, keep-oldest, static-quorum or down-all.</summary>
    public string Strategy { get; set; } = "keep-majority";

    /// <summary>How long membership must stay unchanged before unreachable members are downed.</summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Only for static-quorum: how many members a side needs to survive.</summary>
    public int QuorumSize { get; set; }

    /// <summary>
    /// How long a lost member's remoting port must refuse connections before a majority downs it without
    /// waiting for <see cref="StableAfter"/> (its process is gone); zero turns this off.
    /// </summary>
    public TimeSpan DownRefusedAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after a member's removal its singletons (the policy arbiter) start elsewhere. Akka's
    /// default is <see cref="StableAfter"/>; the arbiter's reads and writes need a majority, so an
    /// arbiter left on a downed minority cannot write and a short margin is safe.
    /// </summary>
    public TimeSpan RemovalMargin { get; set; } = TimeSpan.FromSeconds(1);
}
