namespace Farm.Node.Relaying;

/// <summary>The end of a relay: how it ended and the bytes moved each way.</summary>
public readonly record struct RelayResult(RelayOutcome Outcome, long BytesUp, long BytesDown)
{
    public bool Graceful => Outcome == RelayOutcome.Completed;
}
