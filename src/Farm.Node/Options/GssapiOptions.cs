namespace Farm.Node.Options;

/// <summary>RFC 1961 GSSAPI (Kerberos) logins, bound from <c>Farm:Socks:Gssapi</c>; off while <see cref="Keytab"/> is unset.</summary>
public sealed class GssapiOptions
{
    /// <summary>The keytab holding the service principal's keys; the process's KRB5_KTNAME is set to it at start.</summary>
    public string? Keytab { get; set; }

    /// <summary>
    /// The principal clients get tickets for, <c>socks/host.example.org</c> or <c>rcmd/host.example.org</c>
    /// (curl's default service is rcmd); the keytab must hold its keys, or the node refuses to start.
    /// </summary>
    public string? ServicePrincipal { get; set; }
}
