namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// The header in front of every UDP ASSOCIATE datagram (RFC 1928 §7); the data follows it:
/// <code>
/// +----+------+------+----------+----------+----------+
/// |RSV | FRAG | ATYP | DST.ADDR | DST.PORT |   DATA   |
/// +----+------+------+----------+----------+----------+
/// | 2  |  1   |  1   | Variable |    2     | Variable |
/// +----+------+------+----------+----------+----------+
/// </code>
/// </summary>
public readonly record struct Socks5UdpHeader(byte Fragment, SocksDestination Destination);
