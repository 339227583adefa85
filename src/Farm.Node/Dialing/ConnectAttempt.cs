using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Dialing;

/// <summary>The outcome of connecting to one or more addresses: a connected socket, or the last error.</summary>
public readonly record struct ConnectAttempt(Socket? Socket, IPAddress? Address, SocketError Error);
