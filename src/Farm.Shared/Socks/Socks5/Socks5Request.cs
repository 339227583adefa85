namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// A client's request (RFC 1928 §4):
/// <code>
/// +----+-----+-------+------+----------+----------+
/// |VER | CMD |  RSV  | ATYP | DST.ADDR | DST.PORT |
/// +----+-----+-------+------+----------+----------+
/// | 1  |  1  | X'00' |  1   | Variable |    2     |
/// +----+-----+-------+------+----------+----------+
/// </code>
/// </summary>
public readonly record struct Socks5Request(SocksCommand Command, SocksDestination Destination);
