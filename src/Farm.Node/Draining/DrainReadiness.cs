using Farm.Shared.Health;

namespace Farm.Node.Draining;

/// <summary>Not ready while draining: a load balancer or orchestrator must stop sending this node clients.</summary>
public sealed class DrainReadiness(DrainState state) : IReadinessCheck
{
    public string Name => "draining";

    public bool IsReady(out string reason)
    {
        reason = state.Draining ? "draining: refusing new sessions" : string.Empty;
        return !state.Draining;
    }
}
