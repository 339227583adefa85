namespace Farm.Lighthouse.Discovery;

/// <summary>Time for the directory feed's next round of listener probes.</summary>
public sealed record ProbeTick
{
    public static readonly ProbeTick Instance = new();
}

/// <summary>One finished round: for each socks member probed (by member key), whether all its listeners answered.</summary>
/// <param name="Epoch">The feed's loss count when the round started; a round older than a loss is discarded.</param>
/// <param name="Failure">Why the round itself failed, when it did: nothing is recorded, and the next tick probes again.</param>
public sealed record ProbeRound(long Epoch, IReadOnlyDictionary<string, bool> Alive, string? Failure = null);
