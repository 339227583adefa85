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
    public static DialResult Failed(Socks5Reply reply, IPAddress? resolved = null, RequestDecision? decision = null) =>
        new(null, reply, resolved, decision);
}
