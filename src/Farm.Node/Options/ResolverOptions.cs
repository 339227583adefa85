namespace Farm.Node.Options;

/// <summary>How the node resolves destination names, bound from <c>Farm:Resolver</c>.</summary>
public sealed class ResolverOptions
{
    public const string Section = "Farm:Resolver";

    /// <summary>DNS servers as <c>address</c> or <c>address:port</c> (IPv6 as <c>[::1]:53</c>); empty: the system resolver.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>One query to the configured servers; the connect timeout still bounds the whole resolution.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
