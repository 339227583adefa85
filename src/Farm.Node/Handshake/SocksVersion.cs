namespace Farm.Node.Handshake;

/// <summary>The protocol a client spoke, from its first byte.</summary>
public enum SocksVersion : byte
{
    Socks4 = 0x04,
    Socks5 = 0x05,
}
