namespace Farm.Node.Options;

/// <summary>Where session records go, bound from <c>Farm:SessionLog</c>.</summary>
public sealed class SessionLogOptions
{
    public const string Section = "Farm:SessionLog";

    /// <summary>A JSON-lines file; standard output when unset.</summary>
    public string? Path { get; set; }

    /// <summary>The file is renamed to <c>.1</c> (and older ones shifted) past this size.</summary>
    public long RotateBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Rotated files kept.</summary>
    public int Keep { get; set; } = 5;

    /// <summary>
    /// Refused clients of one source that get a record each per second; the rest of that second's
    /// are told in one summary record ("K more refused from SOURCE in T s").
    /// </summary>
    public int RefusalsPerSourcePerSecond { get; set; } = 5;

    /// <summary>
    /// Refused clients of all sources that get a record each per second (an IPv6 /48 gets 16 times a
    /// source's); the rest are told in one summary record per second from "all sources".
    /// </summary>
    public int RefusalsPerSecond { get; set; } = Logging.RefusalRecords.DefaultNodePerSecond;

    /// <summary>
    /// Records waiting for the writer. A log that cannot keep up (a full disk, a standard output nobody
    /// reads) drops the newest records past this many, counts them, and tells them in one record once it
    /// writes again.
    /// </summary>
    public int QueueLimit { get; set; } = 10_000;

    /// <summary>The node's name in records; the host name when unset.</summary>
    public string? NodeName { get; set; }
}
