namespace Farm.Shared.Policy;

/// <summary>
/// A compiled <c>to</c> list. Names match the request's host, networks its address; an absent side never
/// matches, so an address-only rule skips a request whose name is not resolved yet.
/// </summary>
internal sealed class DestinationSet
{
    private readonly AddressSet? _addresses;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _hosts;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? _suffixes;

    public DestinationSet(EquatableArray<Destination> destinations)
    {
        var networks = destinations.OfType<NetworkDestination>().Select(d => d.Network).ToList();
        _addresses = networks.Count > 0 ? new AddressSet(networks) : null;
        _hosts = Lookup(destinations.OfType<HostDestination>().Select(d => d.Host));
        _suffixes = Lookup(destinations.OfType<DomainSuffixDestination>().Select(d => d.Suffix));
    }

    /// <summary>Whether the list names any network: then some resolved address could match it.</summary>
    public bool HasNetworks => _addresses is not null;

    public bool Matches(ReadOnlySpan<char> host, bool hasHost, IpKey address, bool hasAddress)
    {
        if (hasAddress && _addresses is { } addresses && addresses.Contains(address))
        {
            return true;
        }

        if (!hasHost)
        {
            return false;
        }

        if (_hosts is { } hosts && hosts.Contains(host))
        {
            return true;
        }

        if (_suffixes is { } suffixes)
        {
            for (var dot = host.IndexOf('.'); dot >= 0; dot = NextDot(host, dot))
            {
                if (suffixes.Contains(host[(dot + 1)..]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Lower-case, without one trailing dot: the form the policy stores names in, compared ignoring case.</summary>
    public static ReadOnlySpan<char> Normalize(string? host) =>
        host is null ? default : host.EndsWith('.') ? host.AsSpan(0, host.Length - 1) : host.AsSpan();

    private static int NextDot(ReadOnlySpan<char> host, int dot)
    {
        var next = host[(dot + 1)..].IndexOf('.');
        return next < 0 ? -1 : dot + 1 + next;
    }

    private static HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? Lookup(IEnumerable<string> names)
    {
        var set = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        return set.Count > 0 ? set.GetAlternateLookup<ReadOnlySpan<char>>() : null;
    }
}
