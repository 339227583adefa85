using System.Net;
using System.Net.Sockets;
using Farm.Node.Dialing;
using Farm.Node.Handshake;
using Farm.Node.Relaying;

namespace Farm.Node.Sessions;

/// <summary>A listener accepted a client; the sessions supervisor gives it a connection actor.</summary>
public sealed record AcceptClient(Socket Socket, IPEndPoint Listener);

/// <summary>Close a session, whatever step it is in.</summary>
public sealed record KillSession(long Id);

/// <summary>Ask the sessions supervisor how many sessions are open.</summary>
public sealed record GetSessionCount
{
    public static readonly GetSessionCount Instance = new();
}

public sealed record SessionCount(int Open);

/// <summary>The connection actor's own steps, piped back from the I/O that ran them.</summary>
internal sealed record HandshakeCompleted(HandshakeResult Result);

internal sealed record DialCompleted(DialResult Result);

internal sealed record ReplySent(bool Delivered);

internal sealed record RelayCompleted(RelayResult Result);
