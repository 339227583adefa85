namespace Farm.Shared.Socks.Socks4;

/// <summary>Why SOCKS4 bytes were refused.</summary>
public enum Socks4ParseError
{
    None,

    /// <summary>VN is not 4 in a request, or not 0 in a reply.</summary>
    BadVersion,

    /// <summary>CD is neither CONNECT nor BIND.</summary>
    UnknownCommand,

    /// <summary>More than 255 bytes of USERID without the terminating NUL.</summary>
    UserIdTooLong,

    /// <summary>More than 255 bytes of SOCKS4a host name without the terminating NUL.</summary>
    HostTooLong,

    /// <summary>A SOCKS4a host name of length 0.</summary>
    EmptyHost,

    /// <summary>A SOCKS4a host name with a byte outside printable ASCII.</summary>
    BadHost,
}
