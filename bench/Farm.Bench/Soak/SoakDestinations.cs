using System.Net;

namespace Farm.Bench.Soak;

/// <summary>Where the lanes send their sessions: the bench's source and echo servers and a UDP echo server.</summary>
public sealed record SoakDestinations(IPEndPoint Source, IPEndPoint Echo, IPEndPoint UdpEcho);
