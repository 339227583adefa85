using System.Net;

namespace Farm.Shared.Policy;

/// <summary>A union of networks as sorted, merged ranges per family: one binary search per lookup.</summary>
internal sealed class AddressSet
{
    private readonly UInt128[] _v4First;
    private readonly UInt128[] _v4Last;
    private readonly UInt128[] _v6First;
    private readonly UInt128[] _v6Last;

    public AddressSet(IEnumerable<IPNetwork> networks)
    {
        var ranges = networks.Select(IpKey.Range).ToList();
        (_v4First, _v4Last) = Merge(ranges.Where(r => !r.First.IsV6));
        (_v6First, _v6Last) = Merge(ranges.Where(r => r.First.IsV6));
    }

    public bool Contains(IpKey key) => key.IsV6 ? Contains(_v6First, _v6Last, key.Value) : Contains(_v4First, _v4Last, key.Value);

    private static bool Contains(UInt128[] first, UInt128[] last, UInt128 value)
    {
        var index = Array.BinarySearch(first, value);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index >= 0 && value <= last[index];
    }

    private static (UInt128[] First, UInt128[] Last) Merge(IEnumerable<(IpKey First, IpKey Last)> ranges)
    {
        var first = new List<UInt128>();
        var last = new List<UInt128>();
        foreach (var (lo, hi) in ranges.OrderBy(r => r.First.Value))
        {
            if (last.Count > 0 && (last[^1] == UInt128.MaxValue || lo.Value <= last[^1] + 1))
            {
                last[^1] = UInt128.Max(last[^1], hi.Value);
            }
            else
            {
                first.Add(lo.Value);
                last.Add(hi.Value);
            }
        }

        return ([.. first], [.. last]);
    }
}
