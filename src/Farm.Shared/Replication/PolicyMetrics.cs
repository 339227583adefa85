using System.Diagnostics.Metrics;

namespace Farm.Shared.Replication;

/// <summary>The replicated policy's own meter: versions a member refused because they do not descend from the one it enforces, no lighthouse signed them, or they are older than its floor, and whether it refuses now.</summary>
public static class PolicyMetrics
{
    public const string MeterName = "Farm.Policy";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Exported as <c>farm_policy_refusing_members</c>: 1 while this member refuses the farm's newest version (0 once it takes one).</summary>
    public static readonly UpDownCounter<long> RefusingMembers = Meter.CreateUpDownCounter<long>("farm.policy.refusing_members", "{member}", "1 while this member refuses the farm's newest policy version and enforces an older one");

    /// <summary>Exported as <c>farm_policy_refused_versions_total</c>.</summary>
    public static readonly Counter<long> RefusedVersions = Meter.CreateCounter<long>("farm.policy.refused_versions", "{version}", "Replicated policy versions this member refused (not a descendant of the version it enforces)");

    /// <summary>Exported as <c>farm_policy_replayed_versions_total</c>: signed values older than this member's floor, or another version under its number (each counted once).</summary>
    public static readonly Counter<long> ReplayedVersions = Meter.CreateCounter<long>("farm.policy.replayed_versions", "{version}", "Replicated policy values this member did not enforce: signed, but older than the newest version it enforced (a replay), or another version under that number");

    /// <summary>Exported as <c>farm_policy_untrusted_versions_total</c>: values in the policy register no lighthouse signed (each counted once).</summary>
    public static readonly Counter<long> UntrustedVersions = Meter.CreateCounter<long>("farm.policy.untrusted_versions", "{version}", "Replicated policy values this member did not enforce: unsigned, or not signed by a lighthouse-role certificate from the farm's CA");
}
