namespace Farm.Shared.Replication;

/// <summary>The farm's policy version, what every member enforces, and whether they all agree.</summary>
public sealed record PolicyStatus(long FarmVersion, IReadOnlyList<MemberPolicyVersion> Members)
{
    public bool Converged => FarmVersion > 0 && Members.Count > 0 && Members.All(m => m.Version == FarmVersion);
}
