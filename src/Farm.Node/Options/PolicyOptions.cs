namespace Farm.Node.Options;

/// <summary>Where the node's policy comes from, bound from <c>Farm:Policy</c>.</summary>
public sealed class PolicyOptions
{
    public const string Section = "Farm:Policy";

    /// <summary>A policy file; when unset the embedded default (ops/policies/default.policy) is enforced.</summary>
    public string? File { get; set; }

    /// <summary>
    /// Opt-in for trying the farm against a server on this machine: lets loopback clients reach
    /// loopback destinations, on the node's local policy only (<see cref="Policy.LoopbackOptIn"/>); the node's
    /// own SOCKS, admin, telemetry and remoting ports stay blocked. Never on by default.
    /// </summary>
    public bool AllowLoopbackDestinations { get; set; }
}
