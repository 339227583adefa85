namespace Farm.Shared.Cluster.Tls;

/// <summary>TLS is on but a file it needs is missing or unusable; the message names the setting.</summary>
public sealed class ClusterTlsException(string message) : Exception(message);
