using Microsoft.Extensions.Hosting;

namespace Farm.Node.Incarnations;

/// <summary>
/// The application lifetime an incarnation's actor system sees: a system that ends by itself (this member
/// left the farm, by a drain or <c>cluster leave</c>) stops the process as before, but one the node retires
/// to join again must not.
/// </summary>
internal sealed class IncarnationLifetime(IHostApplicationLifetime host) : IHostApplicationLifetime
{
    private volatile bool _retiring;

    public CancellationToken ApplicationStarted => host.ApplicationStarted;

    public CancellationToken ApplicationStopping => host.ApplicationStopping;

    public CancellationToken ApplicationStopped => host.ApplicationStopped;

    public void Retire() => _retiring = true;

    public void StopApplication()
    {
        if (!_retiring)
        {
            host.StopApplication();
        }
    }
}
