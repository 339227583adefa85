namespace Farm.Shared.Socks.Socks4;

/// <summary>
/// A SOCKS4 request; USERID is decoded as UTF-8:
/// <code>
/// +----+----+----+----+----+----+----+----+----+----+....+----+
/// | VN | CD | DSTPORT |      DSTIP        | USERID       |NULL|
/// +----+----+----+----+----+----+----+----+----+----+....+----+
///    1    1      2              4           variable       1
/// </code>
/// SOCKS4a: DSTIP 0.0.0.x with x non-zero means the host name follows, itself NUL-terminated:
/// <code>
/// ... | USERID |NULL| HOSTNAME |NULL|
/// </code>
/// </summary>
public sealed record Socks4Request(SocksCommand Command, SocksDestination Destination, string UserId);
