using System.Net;

namespace Farm.Bench.Servers;

/// <summary>Where the echo, sink and source servers listen, one endpoint per loopback address.</summary>
public sealed record ServerEndpoints(IReadOnlyList<IPEndPoint> Echo, IReadOnlyList<IPEndPoint> Sink, IReadOnlyList<IPEndPoint> Source)
{
    /// <summary>The layout of <see cref="LoopbackServers"/> started with a base port in another process.</summary>
    public static ServerEndpoints At(IReadOnlyList<IPAddress> addresses, int basePort) => new(
        [.. addresses.Select(a => new IPEndPoint(a, basePort))],
        [.. addresses.Select(a => new IPEndPoint(a, basePort + 1))],
        [.. addresses.Select(a => new IPEndPoint(a, basePort + 2))]);
}
