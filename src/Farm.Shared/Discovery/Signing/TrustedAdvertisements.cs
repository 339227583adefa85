using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Farm.Shared.Discovery.Signing;

/// <summary>
/// The entries of the <c>farm-nodes</c> map a reader may use (DNS, PAC, service discovery, the admin
/// cluster view farmctl's fan-out starts from). A refused entry is logged once per member, and each refused
/// value is counted once in <c>farm_advertisements_untrusted_total{reason}</c>, however often it is read.
/// A member's entry overwritten by another member is answered with the last trusted value of that entry
/// this reader saw, so a forgery cannot take a member out of DNS either; the member itself writes its entry
/// again when it sees it changed (<see cref="AdvertiserActor"/>).
/// </summary>
public sealed class TrustedAdvertisements(AdvertisementTrust trust, ILogger<TrustedAdvertisements> log)
{
    private readonly Lock _gate = new();

    // The verdict on each key's current value, so a value is checked (chain and signature) once; pruned to the keys still in the map.
    private ImmutableDictionary<string, (NodeAdvertisement Value, AdvertisementProblem? Problem)> _verdicts = ImmutableDictionary<string, (NodeAdvertisement, AdvertisementProblem?)>.Empty;
    private ImmutableHashSet<string> _logged = [];
    private ImmutableDictionary<string, NodeAdvertisement> _lastTrusted = ImmutableDictionary<string, NodeAdvertisement>.Empty;

    public IReadOnlyDictionary<string, NodeAdvertisement> Filter(IReadOnlyDictionary<string, NodeAdvertisement> entries)
    {
        if (!trust.Enabled)
        {
            return entries;
        }

        var trusted = ImmutableDictionary.CreateBuilder<string, NodeAdvertisement>(StringComparer.Ordinal);
        lock (_gate)
        {
            _verdicts = _verdicts.RemoveRange(_verdicts.Keys.Where(key => !entries.ContainsKey(key)));
            _logged = _logged.Intersect(entries.Keys);
            _lastTrusted = _lastTrusted.RemoveRange(_lastTrusted.Keys.Where(key => !entries.ContainsKey(key)));
            foreach (var (key, advertisement) in entries)
            {
                if (Verdict(key, advertisement) is null)
                {
                    trusted.Add(key, advertisement);
                    _lastTrusted = _lastTrusted.SetItem(key, advertisement);
                }
                else if (_lastTrusted.TryGetValue(key, out var last))
                {
                    trusted.Add(key, last);
                }
            }
        }

        return trusted.ToImmutable();
    }

    private AdvertisementProblem? Verdict(string key, NodeAdvertisement advertisement)
    {
        if (_verdicts.TryGetValue(key, out var known) && known.Value.Equals(advertisement))
        {
            return known.Problem;
        }

        var problem = trust.Problem(advertisement, key);
        _verdicts = _verdicts.SetItem(key, (advertisement, problem));
        if (problem is not null)
        {
            DiscoveryMetrics.UntrustedAdvertisements.Add(1, new KeyValuePair<string, object?>("reason", problem.Reason));
            if (!_logged.Contains(key))
            {
                _logged = _logged.Add(key);
                log.LogWarning("advertisement of member {Member} ignored: {Problem}", key, problem.Detail);
            }
        }

        return problem;
    }
}
