using Farm.Shared.Health;
using Farm.Shared.Replication;

namespace Farm.Shared.Cluster;

/// <summary>
/// Ready when this member is Up in the cluster and enforces the farm's replicated policy: a member that
/// still runs on its local bootstrap policy, or refuses everyone because its stored policy is unreadable,
/// must not be handed clients by DNS. A member that refuses the farm's newest version (it does not descend
/// from the one in force) is not ready either: it enforces a policy the farm has replaced.
/// </summary>
public sealed class MemberReadiness(IPolicyEnforcer enforcer) : IReadinessCheck
{
    private volatile bool _up;

    public string Name => "cluster-member";

    public bool IsUp => _up;

    public bool IsReady(out string reason)
    {
        reason = enforcer.StoreDamage is { } damage ? $"durable store damaged, refusing clients: {damage}"
            : !_up ? "not Up in the cluster"
            : enforcer.EnforcedVersion <= 0 ? "no replicated policy enforced yet"
            : enforcer.RefusedVersion is { } refused ? $"refusing the farm's newest policy: {refused}"
            : string.Empty;
        return reason.Length == 0;
    }

    /// <summary>Set from membership events, and cleared when the member's cluster is removed (a node that detaches).</summary>
    public void SetUp(bool up) => _up = up;
}
