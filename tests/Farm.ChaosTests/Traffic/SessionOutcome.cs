namespace Farm.ChaosTests.Traffic;

/// <summary>How one verified session ended.</summary>
public enum SessionOutcome
{
    /// <summary>Every byte arrived, in order, and the SHA-256 of the whole matches.</summary>
    Intact,

    /// <summary>The node granted the CONNECT, then the transfer ended early: cut, never altered.</summary>
    Lost,

    /// <summary>A byte differed from the source's, or more arrived than it sent.</summary>
    Corrupted,

    /// <summary>No session: the node did not accept, greet or grant the CONNECT (dead, frozen or draining).</summary>
    Unavailable,
}
