using Akka.Cluster;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Discovery;

/// <summary>
/// Members this lighthouse saw removed without leaving (downed: killed, partitioned away or
/// <c>cluster down</c>), counted by role. An alert needs this from the lighthouse: service discovery
/// forgets a removed member, so Prometheus stops scraping it before an <c>up == 0</c> alert can fire.
/// </summary>
public sealed class MemberLosses
{
    private long _socks;
    private long _lighthouse;

    public long Socks => Interlocked.Read(ref _socks);

    public long Lighthouses => Interlocked.Read(ref _lighthouse);

    /// <summary>Whether a removal is a loss: the member was Down (a graceful leave passes through Exiting).</summary>
    public static bool IsLoss(MemberStatus previous) => previous == MemberStatus.Down;

    public void Record(Member member)
    {
        if (member.HasRole(NodeAdvert.LighthouseRole))
        {
            Interlocked.Increment(ref _lighthouse);
        }
        else if (member.HasRole(NodeAdvert.SocksRole))
        {
            Interlocked.Increment(ref _socks);
        }
    }
}
