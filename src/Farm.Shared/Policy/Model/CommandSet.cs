namespace Farm.Shared.Policy;

/// <summary>The SOCKS commands a request rule applies to.</summary>
[Flags]
public enum CommandSet : byte
{
    None = 0,
    Connect = 1,
    Bind = 2,
    Udp = 4,
    Any = Connect | Bind | Udp,
}
