namespace Farm.Shared.Replication;

/// <summary>The farm's policy version and its digest, what every member enforces, and whether they all enforce that very version.</summary>
/// <remarks>Compared by (version, digest): two signed versions can share a number (a write the farm did not keep, or a replay).</remarks>
public sealed record PolicyStatus(long FarmVersion, string FarmDigest, IReadOnlyList<MemberPolicyVersion> Members)
{
    public bool Converged => FarmVersion > 0 && Members.Count > 0 && Members.All(m => m.Version == FarmVersion && m.Digest == FarmDigest);
}
