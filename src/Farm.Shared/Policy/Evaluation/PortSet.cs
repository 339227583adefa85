namespace Farm.Shared.Policy;

/// <summary>Port ranges sorted and merged, searched in place.</summary>
internal sealed class PortSet
{
    private readonly int[] _first;
    private readonly int[] _last;

    public PortSet(IEnumerable<PortRange> ranges)
    {
        var first = new List<int>();
        var last = new List<int>();
        foreach (var range in ranges.OrderBy(r => r.First))
        {
            if (last.Count > 0 && range.First <= last[^1] + 1)
            {
                last[^1] = Math.Max(last[^1], range.Last);
            }
            else
            {
                first.Add(range.First);
                last.Add(range.Last);
            }
        }

        _first = [.. first];
        _last = [.. last];
    }

    public bool Contains(int port)
    {
        var index = Array.BinarySearch(_first, port);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index >= 0 && port <= _last[index];
    }
}
