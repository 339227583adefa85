namespace Farm.Shared.Cluster.Downing;

/// <summary>What a lost member's remoting port said to a plain TCP connect.</summary>
public enum PortAnswer
{
    /// <summary>The host refused the connection: nothing listens there, the member's process is gone.</summary>
    Refused,

    /// <summary>Something accepted the connection: the member may be alive, slow or partitioned.</summary>
    Accepted,

    /// <summary>No answer in time, or no route: nothing can be concluded.</summary>
    Silent,
}
