namespace Farm.Shared.Cluster.Tls;

/// <summary>Mutual TLS on the remoting transport, bound from <c>Farm:Cluster:Tls</c>.</summary>
public sealed class ClusterTlsOptions
{
    public const string Section = FarmClusterOptions.Section + ":Tls";

    /// <summary>
    /// Unset or true: on. False turns it off for a lighthouse or a member with seeds (a farm measured in
    /// clear); a node without seeds always uses TLS, with a private certificate when given none.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>This member's certificate (PEM), signed by the farm's CA.</summary>
    public string? Certificate { get; set; }

    /// <summary>This member's private key (PEM) for <see cref="Certificate"/>.</summary>
    public string? Key { get; set; }

    /// <summary>The farm CA's certificate (PEM): a peer is accepted only with a certificate it signed.</summary>
    public string? Ca { get; set; }
}
