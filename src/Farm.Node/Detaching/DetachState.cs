using System.Diagnostics.Metrics;
using Farm.Node.Telemetry;
using Farm.Shared.Health;

namespace Farm.Node.Detaching;

/// <summary>
/// Whether this node has been removed from the cluster while its process runs on: it is then no
/// longer ready (DNS and load balancers should stop sending it clients) and says so in its metrics.
/// Only <see cref="NodeDetacher"/> changes it.
/// </summary>
public sealed class DetachState : IReadinessCheck
{
    private long _sinceTicks;

    public DetachState(IMeterFactory meters) =>
        meters.Create(NodeMetrics.MeterName).CreateObservableGauge(
            "farm.node.detached", () => Detached ? 1 : 0, "{state}", "1 while the node is no cluster member but still serves (downed or partitioned away), else 0.");

    public bool Detached => Interlocked.Read(ref _sinceTicks) != 0;

    public string Name => "detached";

    public bool IsReady(out string reason)
    {
        reason = Detached ? "detached from the farm (no longer a cluster member)" : string.Empty;
        return reason.Length == 0;
    }

    /// <summary>Marks the node detached; false when it already was.</summary>
    internal bool TryDetach(DateTimeOffset at) => Interlocked.CompareExchange(ref _sinceTicks, at.UtcTicks, 0) == 0;

    /// <summary>Marks the node a member again; false when it was not detached.</summary>
    internal bool TryReattach() => Interlocked.Exchange(ref _sinceTicks, 0) != 0;
}
