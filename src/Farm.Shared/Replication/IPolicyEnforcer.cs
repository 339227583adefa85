using Farm.Shared.Policy;

namespace Farm.Shared.Replication;

/// <summary>What a member does with each new replicated policy version: a node swaps its snapshot.</summary>
public interface IPolicyEnforcer
{
    /// <summary>The replicated version in force; 0 while only a local bootstrap policy is.</summary>
    long EnforcedVersion { get; }

    /// <summary>Set while the member's stored policy could not be read and no farm version has replaced it.</summary>
    DurableStoreDamage? StoreDamage { get; }

    /// <summary>Why this member refuses the farm's newest version (it keeps enforcing its own); null when it does not. Ends with the next <see cref="Enforce"/>.</summary>
    string? RefusedVersion { get; }

    /// <summary>Compiles and swaps in a version; called once per version, with a document that parsed.</summary>
    /// <param name="ownLocalFile">The version was read from this member's own policy file or default (<see cref="PolicyEnvelope.LocalOf"/> is this member).</param>
    void Enforce(PolicyEnvelope envelope, PolicyDocument document, bool ownLocalFile);

    /// <summary>
    /// The stored policy could not be read: a node refuses every client rather than fall back to its local
    /// file, which may pass what the farm's policy blocks. Ends with the next <see cref="Enforce"/>.
    /// </summary>
    void Refuse(DurableStoreDamage damage);

    /// <summary>The farm's newest version does not descend from the one in force: the member keeps its version and reports the reason.</summary>
    void RefuseVersion(string reason);
}
