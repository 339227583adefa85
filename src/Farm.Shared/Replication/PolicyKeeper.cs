using Farm.Shared.Policy;

namespace Farm.Shared.Replication;

/// <summary>
/// A member that serves no clients (the lighthouse) still compiles each version, so a policy the nodes
/// would fail to compile is noticed there too, reports the version it holds and keeps its history, so it
/// answers the policy palette like any member.
/// </summary>
public sealed class PolicyKeeper(PolicyHistory history) : IPolicyEnforcer
{
    private long _version;
    private DurableStoreDamage? _damage;
    private string? _refusedVersion;

    public long EnforcedVersion => Volatile.Read(ref _version);

    public CompiledPolicy? Current { get; private set; }

    public DurableStoreDamage? StoreDamage => Volatile.Read(ref _damage);

    public string? RefusedVersion => Volatile.Read(ref _refusedVersion);

    public void Enforce(PolicyEnvelope envelope, PolicyDocument document, bool ownLocalFile)
    {
        var compiled = CompiledPolicy.Compile(document);
        Current = compiled;
        history.Record(envelope.Version, envelope.Author, $"farm:{envelope.Author}", envelope.Timestamp, compiled.RuleCount, envelope.Text, ownLocalFile);
        Volatile.Write(ref _version, envelope.Version);
        Volatile.Write(ref _damage, null);
        Volatile.Write(ref _refusedVersion, null);
    }

    public void Refuse(DurableStoreDamage damage) => Volatile.Write(ref _damage, damage);

    public void RefuseVersion(string reason) => Volatile.Write(ref _refusedVersion, reason);
}
