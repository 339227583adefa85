namespace Farm.Shared.Replication;

public enum ApplyOutcome
{
    /// <summary>A majority of members stored the new version and enforce exactly it, the member asked among them.</summary>
    Applied,

    /// <summary>The text did not parse; nothing was written.</summary>
    Invalid,

    /// <summary>Written, but no majority stored it, or no majority of the members (or not the member asked) enforces it, in time.</summary>
    NotConfirmed,

    /// <summary>Not written (the local store refused it, or the replicator did not answer).</summary>
    Failed,

    /// <summary>Not written: the farm is no longer on the version the write replaces (another apply came first).</summary>
    Conflict,

    /// <summary>No answer in time: the write may or may not have been taken; <c>policy status</c> tells.</summary>
    Unknown,
}
