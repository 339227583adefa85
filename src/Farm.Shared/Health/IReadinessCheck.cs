namespace Farm.Shared.Health;

/// <summary>
/// One condition behind <c>/healthz/ready</c>: the member is ready when every registered check is.
/// Liveness needs no check: a process that answers is live.
/// </summary>
public interface IReadinessCheck
{
    string Name { get; }

    bool IsReady { get; }
}
