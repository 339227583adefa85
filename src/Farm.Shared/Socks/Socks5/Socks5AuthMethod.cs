namespace Farm.Shared.Socks.Socks5;

/// <summary>SOCKS5 authentication method codes (RFC 1928 §3).</summary>
public enum Socks5AuthMethod : byte
{
    NoAuthentication = 0x00,
    GssApi = 0x01,
    UsernamePassword = 0x02,
    NoAcceptableMethods = 0xFF,
}
