using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Farm.Lighthouse.Dns;

/// <summary>
/// The farm's members as last reported by the cluster. The cluster side replaces the whole
/// snapshot on every membership or health change; readers take whatever snapshot is current
/// without locking, so one DNS answer never mixes two memberships.
/// </summary>
public sealed class FarmDirectory
{
    private NodeAdvert[] _nodes = [];

    public ImmutableArray<NodeAdvert> Current => ImmutableCollectionsMarshal.AsImmutableArray(Volatile.Read(ref _nodes));

    public void Update(IEnumerable<NodeAdvert> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        NodeAdvert[] copy = [.. nodes];
        Volatile.Write(ref _nodes, copy);
    }
}
