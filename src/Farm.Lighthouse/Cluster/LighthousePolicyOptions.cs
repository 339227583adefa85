namespace Farm.Lighthouse.Cluster;

/// <summary>The policy a lighthouse seeds a farm that has none with, bound from <c>Farm:Policy</c>.</summary>
public sealed class LighthousePolicyOptions
{
    public const string Section = "Farm:Policy";

    /// <summary>A policy file; when unset the embedded default (ops/policies/default.policy).</summary>
    public string? File { get; set; }
}
