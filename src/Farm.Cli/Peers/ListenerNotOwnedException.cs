namespace Farm.Cli.Peers;

/// <summary>The admin endpoint's socket is not the token file owner's; the message says whose it is.</summary>
public sealed class ListenerNotOwnedException(string message) : IOException(message);
