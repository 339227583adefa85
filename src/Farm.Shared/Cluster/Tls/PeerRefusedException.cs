namespace Farm.Shared.Cluster.Tls;

/// <summary>The listener at a peer's remoting address failed the farm's TLS; the message says how.</summary>
public sealed class PeerRefusedException(string message) : Exception(message);
