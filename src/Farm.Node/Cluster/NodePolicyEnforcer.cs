using Farm.Node.Detaching;
using Farm.Node.Policy;
using Farm.Shared.Policy;
using Farm.Shared.Replication;

namespace Farm.Node.Cluster;

/// <summary>
/// Swaps each replicated version into the node's <see cref="PolicyHolder"/> (with the node's opt-ins only
/// when the version says it was read from this member's own file, never by comparing text), and records it
/// in the member's <see cref="PolicyHistory"/>.
/// </summary>
public sealed class NodePolicyEnforcer(PolicyHolder holder, PolicyFileSource source, PolicyHistory history, NodeDetacher detacher, TimeProvider time) : IPolicyEnforcer
{
    private DurableStoreDamage? _damage;
    private string? _refusedVersion;

    public long EnforcedVersion => holder.Current.Version;

    public DurableStoreDamage? StoreDamage => Volatile.Read(ref _damage);

    public string? RefusedVersion => Volatile.Read(ref _refusedVersion);

    public void Enforce(PolicyEnvelope envelope, PolicyDocument document, bool ownLocalFile)
    {
        var snapshot = new PolicySnapshot(source.Compile(document, ownLocalFile), envelope.Version, $"farm:{envelope.Author}", time.GetUtcNow());
        detacher.Enforce(snapshot);
        Volatile.Write(ref _damage, null);
        Volatile.Write(ref _refusedVersion, null);
        history.Record(envelope.Version, envelope.Author, snapshot.Source, envelope.Timestamp, snapshot.Policy.RuleCount, envelope.Text, ownLocalFile);
    }

    public void Refuse(DurableStoreDamage damage)
    {
        Volatile.Write(ref _damage, damage);
        holder.Swap(new PolicySnapshot(RefuseAllPolicy.Compile(RefuseAllPolicy.StoreDamaged), 0, $"{RefuseAllPolicy.StoreDamaged}: {damage}", time.GetUtcNow()));
    }

    /// <summary>The node keeps serving its version (the farm's last one it could verify); readiness reports the refusal.</summary>
    public void RefuseVersion(string reason) => Volatile.Write(ref _refusedVersion, reason);
}
