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
}
