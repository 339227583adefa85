namespace Farm.Shared.Replication;

/// <summary>The verdict on one incoming version, with the reason when it is refused.</summary>
public sealed record PolicyDescent(PolicyDescentKind Kind, string Reason)
{
    /// <summary>The author prefix of a version the seeder wrote from a member's own file or default.</summary>
    public const string SeedAuthorPrefix = "seed:";

    private static readonly string NoPolicyDigest = PolicyRegister.None.Digest();

    public bool Accepted => Kind is not (PolicyDescentKind.Same or PolicyDescentKind.Refused);

    /// <summary>
    /// The rule every member applies: a version is taken only when it descends from the one held, i.e. it
    /// is held + 1 naming the held version's digest, or a later version whose ancestor digests (at most
    /// <see cref="PolicyEnvelope.MaxAncestors"/>) contain the held version's digest at its place. A version
    /// further ahead than its ancestors reach (long.MaxValue after a small version) cannot descend and is refused.
    /// Two exceptions let a member rejoin the farm's history without taking a forged jump:
    /// a member holding only a seed takes a version whose ancestors reach back to version 0 (the farm had a
    /// policy before this member seeded its own), and a member that refused version R takes R + 1 naming R's
    /// digest (the farm's writer built on R, which only happens when R is the farm's version).
    /// </summary>
    /// <param name="refused">The last version this member refused, if any.</param>
    public static PolicyDescent Of(PolicyEnvelope? held, PolicyEnvelope incoming, PolicyEnvelope? refused = null)
    {
        if (held is null || held.Version <= 0)
        {
            return new(PolicyDescentKind.First, string.Empty);
        }

        if (incoming.Equals(held))
        {
            return new(PolicyDescentKind.Same, string.Empty);
        }

        var descent = Descends(held, incoming);
        if (descent.Accepted)
        {
            return descent;
        }

        if (IsSeed(held) && IsCompleteHistory(incoming))
        {
            return new(PolicyDescentKind.ReplacesSeed, string.Empty);
        }

        if (refused is not null && Descends(refused, incoming).Kind == PolicyDescentKind.Next)
        {
            return new(PolicyDescentKind.Rebased, string.Empty);
        }

        return descent;
    }

    /// <summary>A version the seeder wrote: version 1, authored "seed:...".</summary>
    public static bool IsSeed(PolicyEnvelope envelope) =>
        envelope.Version == 1 && envelope.Author.StartsWith(SeedAuthorPrefix, StringComparison.Ordinal);

    /// <summary>Names one ancestor per earlier version, back to "no policy" (version 0): no jump hides in it.</summary>
    private static bool IsCompleteHistory(PolicyEnvelope envelope) =>
        envelope.Version >= 1 && envelope.Version == envelope.Ancestors.Count && envelope.Ancestors[0] == NoPolicyDigest;

    private static PolicyDescent Descends(PolicyEnvelope held, PolicyEnvelope incoming)
    {
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
