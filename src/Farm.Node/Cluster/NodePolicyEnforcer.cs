using Farm.Node.Policy;
using Farm.Shared.Policy;
using Farm.Shared.Replication;

namespace Farm.Node.Cluster;

/// <summary>
/// Swaps each replicated version into the node's <see cref="PolicyHolder"/> (with the node's opt-ins only
/// when it is the node's own local policy), and records it in the member's <see cref="PolicyHistory"/>.
/// </summary>
public sealed class NodePolicyEnforcer(PolicyHolder holder, PolicyFileSource source, PolicyHistory history, TimeProvider time) : IPolicyEnforcer
{
    public long EnforcedVersion => holder.Current.Version;

    public void Enforce(PolicyEnvelope envelope, PolicyDocument document)
    {
        var snapshot = new PolicySnapshot(source.Compile(document, source.IsLocal(envelope.Text)), envelope.Version, $"farm:{envelope.Author}", time.GetUtcNow());
        holder.Swap(snapshot);
        history.Record(envelope.Version, envelope.Author, snapshot.Source, envelope.Timestamp, snapshot.Policy.RuleCount, envelope.Text);
    }
}
