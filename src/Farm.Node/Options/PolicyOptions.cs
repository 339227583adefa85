namespace Farm.Node.Options;

/// <summary>Where the node's policy comes from, bound from <c>Farm:Policy</c>.</summary>
public sealed class PolicyOptions
{
    public const string Section = "Farm:Policy";

    /// <summary>A policy file; when unset the embedded default (ops/policies/default.policy) is enforced.</summary>
    public string? File { get; set; }

    /// <summary>
    /// Opt-in for trying the farm against a server on this machine: lets loopback clients reach
    /// loopback destinations (the farm's admin and metrics ports stay blocked). Never on by default.
    /// </summary>
    public bool AllowLoopbackDestinations { get; set; }

    /// <summary>Ports of the farm's own endpoints, blocked as destinations by the loopback opt-in.</summary>
    public List<int> ProtectedPorts { get; set; } = [9110, 9464];
}
