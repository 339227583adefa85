namespace Farm.Shared.Health;

/// <summary>
/// One condition a member needs before it should take traffic; <c>/healthz/ready</c> is ready
/// when every registered check is. Liveness never consults these.
/// </summary>
public interface IReadinessCheck
{
    string Name { get; }

    bool IsReady(out string reason);
}
