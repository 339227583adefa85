using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Probing;

/// <summary>One round of <see cref="SocksListenerProbe"/> over the socks members of the directory.</summary>
public static class ListenerProbeRound
{
    /// <summary>
    /// For each target, keyed by <see cref="NodeAdvert.Member"/>, whether every endpoint it advertises answered
    /// (DNS hands out each of them). Names are not the key: two members may advertise the same one.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, bool>> RunAsync(IReadOnlyList<NodeAdvert> targets, TimeSpan timeout, CancellationToken stopping)
    {
        var probes = targets.Select(async node => (node.Member, Alive: node.Socks.Count > 0 && (await Task.WhenAll(node.Socks.Select(endpoint =>
            SocksListenerProbe.ProbeAsync(endpoint, timeout, stopping))).ConfigureAwait(false)).All(GreetingReply.IsAlive)));
        var results = await Task.WhenAll(probes).ConfigureAwait(false);
        return results.ToDictionary(result => result.Member, result => result.Alive, StringComparer.Ordinal);
    }
}
