namespace Farm.Shared.Socks.Socks5;

/// <summary>
/// The username/password sub-negotiation request (RFC 1929 §2); both fields are decoded as UTF-8:
/// <code>
/// +----+------+----------+------+----------+
/// |VER | ULEN |  UNAME   | PLEN |  PASSWD  |
/// +----+------+----------+------+----------+
/// | 1  |  1   | 1 to 255 |  1   | 1 to 255 |
/// +----+------+----------+------+----------+
/// </code>
/// </summary>
public sealed record Socks5PasswordRequest(string User, string Password)
{
    /// <summary>Keeps the password out of logs.</summary>
    public override string ToString() => $"Socks5PasswordRequest {{ User = {User} }}";
}
