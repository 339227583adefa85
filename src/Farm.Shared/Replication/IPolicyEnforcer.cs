using Farm.Shared.Policy;

namespace Farm.Shared.Replication;

/// <summary>What a member does with each new replicated policy version: a node swaps its snapshot.</summary>
public interface IPolicyEnforcer
{
    /// <summary>The replicated version in force; 0 while only a local bootstrap policy is.</summary>
    long EnforcedVersion { get; }

    /// <summary>Compiles and swaps in a version; called once per version, with a document that parsed.</summary>
    void Enforce(PolicyEnvelope envelope, PolicyDocument document);
}
