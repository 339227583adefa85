namespace Farm.Cli;

/// <summary>farmctl's exit codes, documented in the README so scripts can rely on them.</summary>
public enum ExitCode
{
    Ok = 0,

    /// <summary>The member answered but the command did not succeed (a refused policy, an unknown session).</summary>
    Failed = 1,

    /// <summary>Unknown palette or command, missing or malformed arguments.</summary>
    Usage = 2,

    /// <summary>No admin endpoint answered at the address.</summary>
    Unreachable = 3,

    /// <summary>The member refused the token (or none was given).</summary>
    Unauthorized = 4,
}
