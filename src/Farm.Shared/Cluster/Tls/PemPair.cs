namespace Farm.Shared.Cluster.Tls;

/// <summary>A certificate and its private key, PEM-encoded.</summary>
public sealed record PemPair(string Certificate, string Key);
