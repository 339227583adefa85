namespace Farm.Shared.Socks;

/// <summary>The SOCKS command byte; SOCKS4 and SOCKS5 share the values for the commands both have.</summary>
public enum SocksCommand : byte
{
    Connect = 0x01,
    Bind = 0x02,
    UdpAssociate = 0x03,
}
