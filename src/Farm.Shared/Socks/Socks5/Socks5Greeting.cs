namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// The client's method-selection message (RFC 1928 §3):
/// <code>
/// +----+----------+----------+
/// |VER | NMETHODS | METHODS  |
/// +----+----------+----------+
/// | 1  |    1     | 1 to 255 |
/// +----+----------+----------+
/// </code>
/// </summary>
public readonly record struct Socks5Greeting(Socks5MethodSet Methods);
