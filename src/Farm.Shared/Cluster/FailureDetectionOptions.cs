namespace Farm.Shared.Cluster;

/// <summary>
/// Heartbeat settings, bound from <c>Farm:Cluster:FailureDetection</c>. Unset values keep Akka.NET's
/// defaults; tests shorten them so that a killed member is noticed within seconds.
/// </summary>
public sealed class FailureDetectionOptions
{
    public TimeSpan? HeartbeatInterval { get; set; }

    public TimeSpan? AcceptableHeartbeatPause { get; set; }
}
