namespace Farm.Shared.Telemetry;

/// <summary>The metrics and health endpoint, bound from <c>Farm:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Farm:Telemetry";

    /// <summary>
    /// <c>address:port</c> for <c>/metrics</c>, <c>/healthz/live</c> and <c>/healthz/ready</c>;
    /// loopback by default, so a first run exposes nothing.
    /// </summary>
    public string Listen { get; set; } = "127.0.0.1:9464";

    /// <summary>Names besides the address reached a request's <c>Host</c> may carry (the lighthouse's name in a PAC or service discovery URL); none by default.</summary>
    public List<string> AllowedHosts { get; set; } = [];
}
