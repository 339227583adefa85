using Farm.Node.Policy;
using Farm.Shared.Policy;
using Farm.Shared.Replication;

namespace Farm.Node.Cluster;

/// <summary>Swaps each replicated version into the node's <see cref="PolicyHolder"/>, compiled with the node's opt-ins.</summary>
public sealed class NodePolicyEnforcer(PolicyHolder holder, PolicyFileSource source, TimeProvider time) : IPolicyEnforcer
{
    public long EnforcedVersion => holder.Current.Version;

    public void Enforce(PolicyEnvelope envelope, PolicyDocument document) =>
        holder.Swap(new PolicySnapshot(source.Compile(document), envelope.Version, $"farm:{envelope.Author}", time.GetUtcNow()));
}
