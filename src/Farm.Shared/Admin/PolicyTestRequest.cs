namespace Farm.Shared.Admin;

/// <summary>
/// A request to decide without sending it: <see cref="To"/> is <c>host:port</c> or <c>ip:port</c>,
/// <see cref="On"/> the listener address (the node's first listener when null), <see cref="Command"/>
/// connect, bind or udp.
/// </summary>
public sealed record PolicyTestRequest(string From, string? User, string? On, string To, string? Command);
