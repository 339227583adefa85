using System.Net.Security;
using Farm.Node.Options;

namespace Farm.Node.Authentication;

/// <summary>
/// Accepts RFC 1961 logins with the system GSSAPI library (MIT Kerberos) and the node's keytab. Created only
/// when a keytab is configured; the node does not offer method 0x01 without one.
/// </summary>
public sealed class GssapiAcceptor
{
    private GssapiAcceptor(string servicePrincipal) => ServicePrincipal = servicePrincipal;

    public string ServicePrincipal { get; }

    /// <summary>
    /// Null when GSSAPI is off. Throws, so the node does not start, when the keytab cannot be read, holds no
    /// keys for the service principal, or also holds keys of other principals: the acceptor would take
    /// tickets for any of them.
    /// </summary>
    public static GssapiAcceptor? Create(GssapiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Keytab))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(options.ServicePrincipal))
        {
            throw new InvalidOperationException("Farm:Socks:Gssapi:ServicePrincipal is required with a Keytab (socks/HOST or rcmd/HOST)");
        }

        var service = options.ServicePrincipal;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(options.Keytab);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Farm:Socks:Gssapi:Keytab '{options.Keytab}' cannot be read: {e.Message}", e);
        }

        var principals = KeytabPrincipals.Read(bytes, out var error)
            ?? throw new InvalidOperationException($"Farm:Socks:Gssapi:Keytab '{options.Keytab}': {error}");
        if (!principals.Any(p => IsService(p, service)))
        {
            throw new InvalidOperationException($"Farm:Socks:Gssapi:Keytab '{options.Keytab}' holds no keys for {service}");
        }

        if (principals.FirstOrDefault(p => !IsService(p, service)) is { } other)
        {
            throw new InvalidOperationException(
                $"Farm:Socks:Gssapi:Keytab '{options.Keytab}' also holds keys for {other}, whose tickets the node would accept too; export {service} alone");
        }

        KerberosEnvironment.UseKeytab(options.Keytab);
        return new GssapiAcceptor(service);
    }

    /// <summary>Kerberos only (no SPNEGO, no NTLM): curl and Dante send raw krb5 mechanism tokens.</summary>
    public GssapiContext Open() => new(new NegotiateAuthentication(new NegotiateAuthenticationServerOptions { Package = "Kerberos" }));

    private static bool IsService(string principal, string service) =>
        service.Contains('@', StringComparison.Ordinal)
            ? principal == service
            : principal.StartsWith(service + "@", StringComparison.Ordinal);
}
