using System.Net;
using System.Net.Sockets;
using Farm.Shared.Policy;
using Farm.Shared.Socks.Socks5;

namespace Farm.Node.Binding;

/// <summary>
/// The peer that connected in for a BIND, with both replies already sent; or the reply that
/// ended it (<paramref name="Reply"/> is <see cref="Socks5Reply.Succeeded"/> only with a peer).
/// </summary>
public sealed record BindResult(Socket? Peer, IPEndPoint? PeerEndPoint, IPEndPoint? Listened, Socks5Reply Reply, RequestDecision? Decision, string Outcome);
