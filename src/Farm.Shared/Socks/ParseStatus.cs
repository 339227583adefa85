namespace Farm.Shared.Socks;

/// <summary>Outcome of an incremental parse attempt.</summary>
public enum ParseStatus
{
    /// <summary>A whole message was read and consumed; bytes after it are left unread.</summary>
    Complete,

    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>The bytes cannot start a valid message; the error says why.</summary>
    Invalid,
}
