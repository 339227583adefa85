using System.Diagnostics.Metrics;
using Farm.Node.Telemetry;

namespace Farm.Node.Draining;

/// <summary>
/// Whether this node is draining: read by whatever must stop sending it clients (DNS, health,
/// metrics); only <see cref="NodeDrainer"/> changes it.
/// </summary>
public sealed class DrainState
{
    private volatile bool _draining;

    // The deadline as a timestamp, so that an alert can tell a drain stuck past it (the node should have left by then).
    public DrainState(IMeterFactory meters) =>
        meters.Create(NodeMetrics.MeterName).CreateObservableGauge(
            "farm.node.drain.deadline.timestamp", ReadDeadline, "s", "While the node drains with a deadline: when open sessions are closed, in seconds since the Unix epoch; 0 otherwise.");

    public bool Draining => _draining;

    /// <summary>When open sessions are closed if they have not ended by themselves; null waits for them.</summary>
    public DateTimeOffset? Deadline { get; private set; }

    public event Action<bool>? Changed;

    internal void Begin(DateTimeOffset? deadline)
    {
        Deadline = deadline;
        _draining = true;
        Changed?.Invoke(true);
    }

    /// <summary>Brings the deadline forward (a stop during an open-ended drain); a later one never pushes it back.</summary>
    internal void Tighten(DateTimeOffset deadline)
    {
        if (Deadline is not { } current || deadline < current)
        {
            Deadline = deadline;
        }
    }

    private double ReadDeadline() => _draining && Deadline is { } deadline ? deadline.ToUnixTimeMilliseconds() / 1000.0 : 0;

    internal void End()
    {
        Deadline = null;
        _draining = false;
        Changed?.Invoke(false);
    }
}
