namespace Farm.Shared.Replication;

/// <summary>The verdict on one incoming version, with the reason when it is refused.</summary>
public sealed record PolicyDescent(PolicyDescentKind Kind, string Reason)
{
    public bool Accepted => Kind is PolicyDescentKind.Next or PolicyDescentKind.Resync or PolicyDescentKind.First;

    /// <summary>
    /// The rule every member applies: a version is taken only when it descends from the one held, i.e. it
    /// is held + 1 naming the held version's digest, or a later version whose ancestor digests (at most
    /// <see cref="PolicyEnvelope.MaxAncestors"/>) contain the held version's digest at its place. A version
    /// further ahead than its ancestors reach (long.MaxValue after a small version) cannot descend and is refused.
    /// </summary>
    public static PolicyDescent Of(PolicyEnvelope? held, PolicyEnvelope incoming)
    {
        if (held is null || held.Version <= 0)
        {
            return new(PolicyDescentKind.First, string.Empty);
        }

        if (incoming.Equals(held))
        {
            return new(PolicyDescentKind.Same, string.Empty);
        }

        if (incoming.Version <= held.Version)
        {
            return Refuse(incoming, held, $"it is not newer than version {held.Version}");
        }

        // Both are positive, so the difference cannot overflow.
        var ahead = incoming.Version - held.Version;
        if (ahead > incoming.Ancestors.Count)
        {
            return Refuse(incoming, held, $"it is {ahead} versions ahead of version {held.Version} but names only {incoming.Ancestors.Count} ancestors");
        }

        var named = incoming.Ancestors[incoming.Ancestors.Count - (int)ahead];
        return named == held.Digest()
            ? new(ahead == 1 ? PolicyDescentKind.Next : PolicyDescentKind.Resync, string.Empty)
            : Refuse(incoming, held, $"it does not descend from version {held.Version} (another history)");
    }

    private static PolicyDescent Refuse(PolicyEnvelope incoming, PolicyEnvelope held, string why) =>
        new(PolicyDescentKind.Refused, $"version {incoming.Version} by {incoming.WrittenBy} refused, version {held.Version} stays: {why}");
}
