using Akka.DistributedData;

namespace Farm.Shared.Replication;

/// <summary>The policy document as the cluster replicates it: one last-writer-wins register under <see cref="Key"/>.</summary>
public sealed record PolicyEnvelope(string Text, long Version, string Author, DateTimeOffset Timestamp)
{
    public static readonly LWWRegisterKey<PolicyEnvelope> Key = new("farm-policy");
}
