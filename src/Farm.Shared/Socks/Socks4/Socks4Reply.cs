namespace Farm.Shared.Socks.Socks4;

/// <summary>The CD field of a SOCKS4 reply.</summary>
public enum Socks4Reply : byte
{
    Granted = 90,
    Rejected = 91,
    IdentdUnreachable = 92,
    IdentdMismatch = 93,
}
