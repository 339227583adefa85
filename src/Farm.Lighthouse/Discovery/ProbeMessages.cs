namespace Farm.Lighthouse.Discovery;

/// <summary>Time for the directory feed's next round of listener probes.</summary>
public sealed record ProbeTick
{
    public static readonly ProbeTick Instance = new();
}

/// <summary>One finished round: for each socks node probed, whether all its listeners answered.</summary>
/// <param name="Epoch">The feed's loss count when the round started; a round older than a loss is discarded.</param>
public sealed record ProbeRound(long Epoch, IReadOnlyDictionary<string, bool> Alive);
