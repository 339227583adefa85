namespace Farm.Shared.Socks.Socks5;

/// <summary>Why SOCKS5 bytes were refused.</summary>
public enum Socks5ParseError
{
    None,

    /// <summary>VER is not 0x05.</summary>
    BadVersion,

    /// <summary>A greeting offered no method (NMETHODS = 0).</summary>
    NoMethods,

    /// <summary>The username/password sub-negotiation VER is not 0x01 (RFC 1929).</summary>
    BadAuthVersion,

    /// <summary>ULEN = 0.</summary>
    EmptyUser,

    /// <summary>PLEN = 0.</summary>
    EmptyPassword,

    /// <summary>CMD is not CONNECT, BIND or UDP ASSOCIATE.</summary>
    UnknownCommand,

    /// <summary>A reserved field is not zero.</summary>
    BadReserved,

    /// <summary>ATYP is not 0x01, 0x03 or 0x04.</summary>
    UnknownAddressType,

    /// <summary>A domain name of length 0.</summary>
    EmptyDomain,

    /// <summary>A domain name with a byte outside printable ASCII.</summary>
    BadDomain,
}
