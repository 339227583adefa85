namespace Farm.Node.Relaying;

/// <summary>Relay settings: the node's, with the policy's limits laid over them per session.</summary>
/// <param name="BytesPerSecond">Per direction (<c>limit bandwidth</c>); null relays unthrottled.</param>
public sealed record RelaySettings(int BufferSize, TimeSpan IdleTimeout, TimeProvider Time, long? BytesPerSecond = null);
