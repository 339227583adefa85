namespace Farm.Node.Draining;

/// <summary>How the node drains when it is told to stop (SIGTERM), bound from <c>Farm:Drain</c>.</summary>
public sealed class DrainOptions
{
    public const string Section = "Farm:Drain";

    /// <summary>
    /// How long open sessions may run on after SIGTERM before they are closed. Compose's
    /// <c>stop_grace_period</c> and systemd's <c>TimeoutStopSec</c> must exceed it by about 10 s:
    /// closing the last sessions, leaving the cluster and stopping.
    /// </summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long past <see cref="Deadline"/> the stop still waits for closed sessions to be gone.</summary>
    public static readonly TimeSpan CloseMargin = TimeSpan.FromSeconds(3);
}
