using System.Net;

namespace Farm.Node.Listening;

/// <summary>Close the listening sockets: new clients are refused, open sessions are left alone.</summary>
public sealed record StopAccepting
{
    public static readonly StopAccepting Instance = new();
}

/// <summary>Bind the listening sockets again on their endpoints.</summary>
public sealed record StartAccepting
{
    public static readonly StartAccepting Instance = new();
}

/// <summary>One listener's answer to <see cref="StopAccepting"/> or <see cref="StartAccepting"/>.</summary>
public sealed record AcceptingChanged(IPEndPoint Endpoint, bool Accepting);

/// <summary>Every listener has answered.</summary>
public sealed record ListenersChanged(IReadOnlyList<AcceptingChanged> Listeners);
