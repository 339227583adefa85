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
    private Accepted(Socket client, PolicySnapshot policy, long startedAt)
        : base(null)
    {
        Client = client;
        Policy = policy;
        StartedAt = startedAt;
        Peer = (IPEndPoint)client.RemoteEndPoint!;
        Listener = (IPEndPoint)client.LocalEndPoint!;
    }

    public Socket Client { get; }

    public PolicySnapshot Policy { get; }

    public long StartedAt { get; }

    /// <summary>The socket's peer: the client, or the proxy in front of the listener.</summary>
    public IPEndPoint Peer { get; }

    public IPEndPoint Listener { get; }

    public RelayCounters Counters { get; } = new();

    public override SessionPhase Phase => SessionPhase.Handshake;

    public static Accepted Of(Socket client, PolicySnapshot policy, long startedAt)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new Accepted(client, policy, startedAt);
    }

    internal override void Release(bool graceful) => SocketTeardown.Close(Client, graceful);
}
