namespace Farm.Shared.Socks.Socks5;

/// <summary>The ATYP field of SOCKS5 requests, replies and UDP headers (RFC 1928 §4).</summary>
public enum Socks5AddressType : byte
{
    IPv4 = 0x01,
    DomainName = 0x03,
    IPv6 = 0x04,
}
