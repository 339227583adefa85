using System.Net;
using System.Net.Sockets;
using Farm.Node.Policy;
using Farm.Node.Relaying;
using Farm.Node.Sessions;

namespace Farm.Node.Flow;

/// <summary>
/// A connection the listener accepted, with the policy it is held to for its whole life (taken once)
/// and its relay counters. It owns the client socket.
/// </summary>
public sealed class Accepted : SessionStage
{
    private Accepted(Socket client, IPEndPoint peer, IPEndPoint listener, PolicySnapshot policy, long startedAt)
        : base(null)
    {
        Client = client;
        Peer = peer;
        Listener = listener;
        Policy = policy;
        StartedAt = startedAt;
    }

    public Socket Client { get; }

    public PolicySnapshot Policy { get; }

    public long StartedAt { get; }

    /// <summary>The socket's peer: the client, or the proxy in front of the listener.</summary>
    public IPEndPoint Peer { get; }

    public IPEndPoint Listener { get; }

    public RelayCounters Counters { get; } = new();

    public override SessionPhase Phase => SessionPhase.Handshake;

    /// <summary>The endpoints are given, not read here, so the stages after this one can be built without a connection.</summary>
    public static Accepted Of(Socket client, IPEndPoint peer, IPEndPoint listener, PolicySnapshot policy, long startedAt)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(policy);
        return new Accepted(client, peer, listener, policy, startedAt);
    }

    internal override void Release(bool graceful) => SocketTeardown.Close(Client, graceful);
}
