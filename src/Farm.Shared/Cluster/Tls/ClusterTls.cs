namespace Farm.Shared.Cluster.Tls;

/// <summary>This member's remoting TLS as decided at start: off, on with its material, or on but unusable.</summary>
public sealed class ClusterTls
{
    private ClusterTls(ClusterTlsMaterial? material, string? problem)
    {
        Material = material;
        Problem = problem;
    }

    /// <summary>The certificate and CA to use; null when TLS is off or <see cref="Problem"/> says why it cannot start.</summary>
    public ClusterTlsMaterial? Material { get; }

    /// <summary>One line naming the setting that keeps TLS from starting; the member must refuse to run.</summary>
    public string? Problem { get; }

    public bool Enabled => Material is not null || Problem is not null;

    /// <param name="role">The role this member joins with: its certificate must be issued for it.</param>
    /// <param name="onWhenStandalone">A lighthouse is the farm's seed: it uses TLS even without seeds of its own.</param>
    /// <param name="stateDirectory">The member's durable store directory: a standalone node keeps its private CA's certificate there.</param>
    public static ClusterTls Decide(FarmClusterOptions options, string role, bool onWhenStandalone, string stateDirectory)
    {
        // A node without seeds is never plain, whatever Enabled says: any local process could otherwise
        // join it and write the farm policy by replication, around the admin token. Without certificates
        // of its own it trusts a private CA only it ever held, kept with its state so its stored versions stay trusted.
        var standaloneNode = options.IsStandalone && !onWhenStandalone;
        if (standaloneNode && string.IsNullOrWhiteSpace(options.Tls.Certificate))
        {
            try
            {
                return new ClusterTls(StandaloneIdentity.LoadOrCreate(stateDirectory, DateTimeOffset.UtcNow), null);
            }
            catch (ClusterTlsException e)
            {
                return new ClusterTls(null, e.Message);
            }
        }

        if (!standaloneNode && options.Tls.Enabled == false)
        {
            return new ClusterTls(null, null);
        }

        try
        {
            var material = ClusterTlsMaterial.Load(options.Tls);
            if (!material.Roles.Contains(role))
            {
                return new ClusterTls(null, $"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Certificate)}: {options.Tls.Certificate} is not issued for role '{role}' (it names {(material.Roles.Count == 0 ? "no role" : string.Join(", ", material.Roles.Order(StringComparer.Ordinal)))}): issue one with `farmctl certs issue <member> --role {role}`");
            }

            // Peers accept a member's address only from a certificate that names it; refusing here says why at start.
            var advertised = options.AdvertisedHostname;
            var hosts = CertificateHosts.Of(material.Certificate);
            return CertificateHosts.Names(hosts, advertised)
                ? new ClusterTls(material, null)
                : new ClusterTls(null, $"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Certificate)}: {options.Tls.Certificate} does not name this member's address '{advertised}' ({FarmClusterOptions.Section}:{nameof(FarmClusterOptions.PublicHostname)}, else {nameof(FarmClusterOptions.Hostname)}; it names {(hosts.Count == 0 ? "no host" : string.Join(", ", hosts))}): issue one with `farmctl certs issue <member> --ip|--dns {advertised}`");
        }
        catch (ClusterTlsException e)
        {
            return new ClusterTls(null, e.Message);
        }
    }
}
