using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Farm.Node.Dialing;
using Farm.Node.Handshake;
using Farm.Node.Relaying;

namespace Farm.Node.Sessions;

/// <summary>A listener accepted a client; the sessions supervisor gives it a connection actor. Holds a live socket, so it never leaves the process.</summary>
public sealed record AcceptClient(Socket Socket, IPEndPoint Listener) : INoSerializationVerificationNeeded;

/// <summary>Close a session, whatever step it is in.</summary>
public sealed record KillSession(long Id);

/// <summary>Ask the sessions supervisor how many sessions are open.</summary>
public sealed record GetSessionCount
{
    public static readonly GetSessionCount Instance = new();
}

public sealed record SessionCount(int Open);

/// <summary>The connection actor's own steps, piped back from the I/O that ran them; never leave the process.</summary>
internal sealed record HandshakeCompleted(HandshakeResult Result) : INoSerializationVerificationNeeded;

internal sealed record DialCompleted(DialResult Result) : INoSerializationVerificationNeeded;

internal sealed record ReplySent(bool Delivered) : INoSerializationVerificationNeeded;

internal sealed record RelayCompleted(RelayResult Result) : INoSerializationVerificationNeeded;
