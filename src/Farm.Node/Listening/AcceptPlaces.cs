namespace Farm.Node.Listening;

/// <summary>
/// Sockets the listeners have accepted that the sessions supervisor has not yet admitted or closed.
/// Bounded, because the kernel completes connections before they are accepted: a burst waiting in
/// its queue would otherwise be taken in faster than the supervisor closes those over a cap, and
/// run the process out of descriptors. A listener waits for a place before it accepts.
/// </summary>
public sealed class AcceptPlaces
{
    /// <summary>Well inside <c>Farm:Socks:DescriptorReserve</c>, and enough that the supervisor never waits for a listener.</summary>
    public const int Places = 64;

    private readonly SemaphoreSlim _free = new(Places, Places);

    public Task TakeAsync(CancellationToken stop) => _free.WaitAsync(stop);

    /// <summary>The accepted socket was admitted, refused, or never handed over.</summary>
    public void Decided() => _free.Release();
}
