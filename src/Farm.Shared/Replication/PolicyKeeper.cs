using Farm.Shared.Policy;

namespace Farm.Shared.Replication;

/// <summary>
/// A member that serves no clients (the lighthouse) still compiles each version, so a policy the nodes
/// would fail to compile is noticed there too, and reports the version it holds.
/// </summary>
public sealed class PolicyKeeper : IPolicyEnforcer
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
        Current = CompiledPolicy.Compile(document);
        Volatile.Write(ref _version, envelope.Version);
        Volatile.Write(ref _damage, null);
        Volatile.Write(ref _refusedVersion, null);
    }

    public void Refuse(DurableStoreDamage damage) => Volatile.Write(ref _damage, damage);

    public void RefuseVersion(string reason) => Volatile.Write(ref _refusedVersion, reason);
}
