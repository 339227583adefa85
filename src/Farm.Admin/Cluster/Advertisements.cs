using Akka.Actor;
using Akka.DistributedData;
using Farm.Shared.Discovery;
using Farm.Shared.Discovery.Signing;

namespace Farm.Admin.Cluster;

/// <summary>This member's replica of the farm's advertisements: where each member's SOCKS listeners are reached.</summary>
public static class Advertisements
{
    private static readonly TimeSpan LocalRead = TimeSpan.FromSeconds(3);

    /// <summary>The local replica only: a member answers from what it holds, never waiting on peers. Only entries <paramref name="trusted"/> passes: any member can write any entry.</summary>
    public static async Task<IReadOnlyDictionary<string, NodeAdvertisement>> ReadLocalAsync(ActorSystem system, TrustedAdvertisements trusted, CancellationToken cancel)
    {
        var replicator = DistributedData.Get(system).Replicator;
        var response = await replicator.Ask<IGetResponse>(Dsl.Get(NodeAdvertisement.Key, ReadLocal.Instance), LocalRead, cancel).ConfigureAwait(false);
        return response is GetSuccess success
            ? trusted.Filter(success.Get(NodeAdvertisement.Key).Entries)
            : new Dictionary<string, NodeAdvertisement>();
    }
}
