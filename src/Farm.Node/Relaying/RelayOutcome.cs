namespace Farm.Node.Relaying;

/// <summary>How a relay ended; expected failures are values, not exceptions.</summary>
public enum RelayOutcome
{
    /// <summary>Both directions reached end of stream and the half-closes were passed on.</summary>
    Completed,
    ClientError,
    UpstreamError,
    IdleTimeout,
    Killed,
}
