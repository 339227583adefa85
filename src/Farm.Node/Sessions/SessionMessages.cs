using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Farm.Node.Binding;
using Farm.Node.Dialing;
using Farm.Node.Flow;
using Farm.Node.Handshake;
using Farm.Node.Listening;
using Farm.Node.Relaying;
using Farm.Shared.Admin;

namespace Farm.Node.Sessions;

/// <summary>
/// A listener accepted a client; the sessions supervisor gives it a connection actor. <paramref name="Proxy"/> is set
/// when the listener requires a PROXY header. Holds a live socket, so it never leaves the process.
/// </summary>
public sealed record AcceptClient(Socket Socket, IPEndPoint Listener, ProxyTrust? Proxy = null) : INoSerializationVerificationNeeded;

/// <summary>Close a session, whatever step it is in; the sessions supervisor answers <see cref="SessionKilled"/>.</summary>
public sealed record KillSession(long Id);

/// <summary>The session (an unfinished handshake or an idle relay) lost its place to a newcomer while the node was full: it ends. Never leaves the process.</summary>
internal sealed record EvictSession : INoSerializationVerificationNeeded
{
    public static readonly EvictSession Instance = new();
}

/// <summary>Whether <see cref="KillSession"/> found the session open.</summary>
public sealed record SessionKilled(long Id, bool Found);

/// <summary>Ask the sessions supervisor for every open session; answered with <see cref="OpenSessions"/>.</summary>
public sealed record GetSessions
{
    public static readonly GetSessions Instance = new();
}

public sealed record OpenSessions(IReadOnlyList<SessionInfo> Sessions);

/// <summary>Ask the sessions supervisor how many sessions are open.</summary>
public sealed record GetSessionCount
{
    public static readonly GetSessionCount Instance = new();
}

public sealed record SessionCount(int Open);

/// <summary>A connection's flow ended (with the exception when it broke); the actor records it and stops. Never leaves the process.</summary>
internal sealed record SessionEnded(Ended Ending, Exception? Failure) : INoSerializationVerificationNeeded;

/// <summary>The supervisor asks each connection for its own line of the session list.</summary>
internal sealed record GetSessionInfo
{
    public static readonly GetSessionInfo Instance = new();
}

/// <summary>The sessions supervisor's tick: write a summary record for each source whose refusals were left out of the log.</summary>
internal sealed record SummariseRefusals
{
    public static readonly SummariseRefusals Instance = new();
}
