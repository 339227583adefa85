using System.Diagnostics.Metrics;

namespace Farm.Shared.Replication;

/// <summary>The replicated policy's own meter: versions a member refused because they do not descend from the one it enforces.</summary>
public static class PolicyMetrics
{
    public const string MeterName = "Farm.Policy";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Exported as <c>farm_policy_refused_versions_total</c>.</summary>
    public static readonly Counter<long> RefusedVersions = Meter.CreateCounter<long>("farm.policy.refused_versions", "{version}", "Replicated policy versions this member refused (not a descendant of the version it enforces)");
}
