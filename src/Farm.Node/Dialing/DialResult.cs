using System.Net;
using System.Net.Sockets;
using Farm.Shared.Policy;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Dialing;

/// <summary>
/// The outbound connection, or the reply that says why there is none. <paramref name="Decision"/>
/// is the policy decision on the address dialed (or on the last address refused).
/// </summary>
public sealed record DialResult(Socket? Upstream, Socks5Reply Reply, IPAddress? Resolved, RequestDecision? Decision)
{
    /// <summary>How it left the node: "direct", "egress ADDR" or "socks5 HOST:PORT".</summary>
    public string Route { get; init; } = "direct";

    /// <summary>The address the destination sees, when it is not the outbound socket's own (chained routes).</summary>
    public IPEndPoint? Bound { get; init; }

    /// <summary>The session's outcome when the dial failed for a reason of its own, else null (the reply's).</summary>
    public string? Outcome { get; init; }

    /// <summary>The outcome of a request whose name found no lookup place in time.</summary>
    public const string NoLookupPlace = "no-lookup-place";

    public static DialResult Failed(Socks5Reply reply, IPAddress? resolved = null, RequestDecision? decision = null) =>
        new(null, reply, resolved, decision);
}
