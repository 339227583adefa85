namespace Farm.Node.Policy;

/// <summary>
/// The node's current policy. Sessions read it once when they start (a local read, never a
/// network call); a new version is swapped in atomically and applies to new sessions only.
/// </summary>
public sealed class PolicyHolder(PolicySnapshot initial)
{
    private PolicySnapshot _current = initial;

    public PolicySnapshot Current => Volatile.Read(ref _current);

    public void Swap(PolicySnapshot next) => Volatile.Write(ref _current, next);
}
