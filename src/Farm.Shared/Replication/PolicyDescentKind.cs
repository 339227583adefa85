namespace Farm.Shared.Replication;

/// <summary>How a member takes a replicated version, given the one it enforces.</summary>
public enum PolicyDescentKind
{
    /// <summary>The version it already enforces: nothing to do.</summary>
    Same,

    /// <summary>Exactly the next version, naming the held version's digest: enforce it.</summary>
    Next,

    /// <summary>A later version whose ancestors include the held one (it missed versions, e.g. while partitioned): enforce it.</summary>
    Resync,

    /// <summary>The member holds no version yet: it takes the farm's.</summary>
    First,

    /// <summary>The member held only its own seed; the farm's history (complete back to version 1) replaces it.</summary>
    ReplacesSeed,

    /// <summary>The next version after one this member refused: the farm's writer built on it, so it is the farm's history.</summary>
    Rebased,

    /// <summary>Not a descendant of the held version: not enforced.</summary>
    Refused,
}
