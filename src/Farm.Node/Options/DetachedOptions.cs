namespace Farm.Node.Options;

/// <summary>What a node does once it is no longer a cluster member (downed or partitioned away), bound from <c>Farm:Cluster:Detached</c>.</summary>
public sealed class DetachedOptions
{
    public const string Section = "Farm:Cluster:Detached";

    /// <summary>Whether new clients are still served, on the last policy, while detached; open sessions run on either way.</summary>
    public bool ServeNewClients { get; set; } = true;

    /// <summary>How long a detached node may serve new clients on its last policy before it refuses them (fail closed).</summary>
    public TimeSpan MaxStalePolicy { get; set; } = TimeSpan.FromMinutes(10);
}
