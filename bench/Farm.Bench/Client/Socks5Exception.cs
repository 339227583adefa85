namespace Farm.Bench.Client;

/// <summary>The proxy answered the SOCKS5 handshake with something other than success.</summary>
public sealed class Socks5Exception(string message) : Exception(message);
