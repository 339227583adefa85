namespace Farm.Node.Sessions;

/// <summary>
/// The session caps the node enforces: those from the configuration until the node has started, then
/// those from the descriptors it measured it holds (<see cref="DescriptorMeasurement"/>).
/// </summary>
public sealed class SessionCapsInForce(SessionCaps initial)
{
    private SessionCaps _current = initial;

    public SessionCaps Current => Volatile.Read(ref _current);

    public void Set(SessionCaps caps) => Volatile.Write(ref _current, caps);
}
