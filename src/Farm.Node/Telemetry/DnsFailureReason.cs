namespace Farm.Node.Telemetry;

/// <summary>Why resolving a destination name failed; a bounded label.</summary>
public enum DnsFailureReason
{
    HostNotFound,
    NoAddress,
    Timeout,
    Error,

    /// <summary>No lookup place came free for the client's source in time: the name was never asked.</summary>
    NoLookupPlace,
}
