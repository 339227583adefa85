namespace Farm.Shared.Cluster.Downing;

/// <summary>
/// Whether this member's side may down a lost member on its own: only a side that holds a strict
/// majority of the members, with the lost member and every unreachable one counted on the other side.
/// That is the side keep-majority keeps, so a partition whose far side looks dead (a firewall answering
/// with resets) is still never split in two farms.
/// </summary>
public static class LostMemberQuorum
{
    public static bool HoldsMajority<T>(IReadOnlyCollection<T> members, IReadOnlySet<T> unreachable, T lost)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(unreachable);
        if (!members.Contains(lost))
        {
            return false;
        }

        var reachable = members.Count(m => !m.Equals(lost) && !unreachable.Contains(m));
        return reachable * 2 > members.Count;
    }
}
