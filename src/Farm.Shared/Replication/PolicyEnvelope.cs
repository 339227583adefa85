using Akka.DistributedData;

namespace Farm.Shared.Replication;

/// <summary>The policy document as the cluster replicates it: one last-writer-wins register under <see cref="Key"/>.</summary>
/// <param name="LocalOf">
/// The member (its cluster address) whose own policy file or embedded default this version was read from,
/// when it was seeded or reloaded from one; null for any other version (apply, rollback). Only that member
/// may treat it as its local policy (the loopback opt-in): identical text from elsewhere is a farm policy.
/// </param>
public sealed record PolicyEnvelope(string Text, long Version, string Author, DateTimeOffset Timestamp, string? LocalOf = null)
{
    public static readonly LWWRegisterKey<PolicyEnvelope> Key = new("farm-policy");
}
