using System.Collections.Immutable;
using System.Net;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Tests.Dns;

/// <summary>The three-node farm of issue 7 on distinct loopback addresses, plus its lighthouse.</summary>
internal static class Farms
{
    public const int SocksPort = 1080;

    public const int MetricsPort = 9464;

    public static readonly IPAddress[] NodeAddresses = [IPAddress.Parse("127.0.0.11"), IPAddress.Parse("127.0.0.12"), IPAddress.Parse("127.0.0.13")];

    public static NodeAdvert Node(int number, bool healthy = true) => new(
        $"node-{number}",
        [new IPEndPoint(NodeAddresses[number - 1], SocksPort)],
        new IPEndPoint(NodeAddresses[number - 1], MetricsPort),
        NodeAdvert.SocksRole,
        healthy);

    public static NodeAdvert Lighthouse { get; } = new(
        "lighthouse-1",
        [],
        new IPEndPoint(IPAddress.Parse("127.0.0.10"), MetricsPort),
        NodeAdvert.LighthouseRole,
        Healthy: true);

    public static ImmutableArray<NodeAdvert> ThreeNodes(int unhealthy = 0) =>
        [Node(1, unhealthy != 1), Node(2, unhealthy != 2), Node(3, unhealthy != 3), Lighthouse];
}
