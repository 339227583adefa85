namespace Farm.Lighthouse.Probing;

/// <summary>What one probe of a SOCKS listener found.</summary>
public enum ProbeOutcome
{
    /// <summary>A SOCKS5 method selection came back (any method, 0xFF included).</summary>
    Answered,

    /// <summary>The node took the connection and closed it without a reply: its client rules refuse the lighthouse, but the process is there.</summary>
    ClosedByNode,

    /// <summary>Nothing listens: the connect was refused or unreachable.</summary>
    Refused,

    /// <summary>No reply within the probe timeout: a stopped or overloaded process, or a silent machine.</summary>
    TimedOut,

    /// <summary>Something answered that is no SOCKS5 server.</summary>
    NotSocks,
}
