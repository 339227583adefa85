namespace Farm.Node.Telemetry;

/// <summary>Why resolving a destination name failed; a bounded label.</summary>
public enum DnsFailureReason
{
    HostNotFound,
    NoAddress,
    Timeout,
    Error,
}
