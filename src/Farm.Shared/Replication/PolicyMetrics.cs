using System.Diagnostics.Metrics;

namespace Farm.Shared.Replication;

/// <summary>The replicated policy's own meter: versions a member refused because they do not descend from the one it enforces, and whether it refuses now.</summary>
public static class PolicyMetrics
{
    public const string MeterName = "Farm.Policy";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Exported as <c>farm_policy_refusing_members</c>: 1 while this member refuses the farm's newest version (0 once it takes one).</summary>
    public static readonly UpDownCounter<long> RefusingMembers = Meter.CreateUpDownCounter<long>("farm.policy.refusing_members", "{member}", "1 while this member refuses the farm's newest policy version and enforces an older one");

    /// <summary>Exported as <c>farm_policy_refused_versions_total</c>.</summary>
    public static readonly Counter<long> RefusedVersions = Meter.CreateCounter<long>("farm.policy.refused_versions", "{version}", "Replicated policy versions this member refused (not a descendant of the version it enforces)");
}
