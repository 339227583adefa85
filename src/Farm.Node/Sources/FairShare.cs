namespace Farm.Node.Sources;

/// <summary>
/// The one rule that decides whose connection a newcomer takes when the node is full. Each source's
/// fair share is the node's cap divided by the sources holding open connections (the newcomer's
/// counted), at least 1. A newcomer whose source holds less than its share may take a place; only a
/// source holding more than its share gives one up: first an unfinished session, a handshake or a
/// request not yet carried out (the source holding the most, its oldest), else a relaying session
/// idle at least <c>evictIdleAfter</c> (the source holding the most, its longest idle). A source at or under its share never loses a connection, so
/// an attacker spread over many addresses, each under its share, cannot take a fair client's place;
/// and a session that moved bytes lately is never taken.
/// </summary>
public static class FairShare
{
    /// <summary>The open connections each of <paramref name="sources"/> may hold on a node of <paramref name="cap"/>.</summary>
    public static int Of(int cap, int sources) => Math.Max(1, cap / Math.Max(1, sources));

    /// <summary>How many sources share the node: those in the table, and the newcomer's when it holds nothing yet.</summary>
    public static int SourcesWith(int tableCount, int newcomerOpen) => tableCount + (newcomerOpen == 0 ? 1 : 0);

    /// <summary>
    /// Pure: the victim for a newcomer whose source holds <paramref name="newcomerOpen"/> connections,
    /// among <paramref name="sources"/> (every source holding one, the newcomer's included when it holds
    /// any), or null when the newcomer must be refused.
    /// </summary>
    public static EvictionChoice? Choose(IReadOnlyList<SourceShare> sources, int newcomerOpen, int cap, TimeSpan evictIdleAfter)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var share = Of(cap, SourcesWith(sources.Count, newcomerOpen));
        if (newcomerOpen >= share)
        {
            return null;
        }

        int? handshake = null;
        int? idle = null;
        for (var i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            if (source.Open <= share)
            {
                continue;
            }

            if (source.OldestUnfinished is { } order
                && (handshake is not { } h
                    || source.Open > sources[h].Open
                    || (source.Open == sources[h].Open && order < sources[h].OldestUnfinished)))
            {
                handshake = i;
            }

            if (source.LongestIdle >= evictIdleAfter
                && source.LongestIdle > TimeSpan.Zero
                && (idle is not { } r
                    || source.Open > sources[r].Open
                    || (source.Open == sources[r].Open && source.LongestIdle > sources[r].LongestIdle)))
            {
                idle = i;
            }
        }

        return handshake is { } victim ? new EvictionChoice(victim, EvictionVictim.Unfinished)
            : idle is { } relay ? new EvictionChoice(relay, EvictionVictim.IdleRelay)
            : null;
    }
}
