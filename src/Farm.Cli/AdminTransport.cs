using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Farm.Cli.Peers;

namespace Farm.Cli;

/// <summary>
/// How farmctl reaches admin endpoints: plain HTTP, or HTTPS verified against the system's roots or,
/// with <c>--ca</c>, only against the farm's own CA (and the endpoint's address or name).
/// </summary>
public sealed class AdminTransport
{
    private AdminTransport(bool tls, X509Certificate2Collection? authorities)
    {
        Tls = tls;
        Authorities = authorities;
    }

    public static AdminTransport PlainHttp { get; } = new(false, null);

    public bool Tls { get; }

    /// <summary>The CA certificates a member's certificate must chain to; null for the system's roots.</summary>
    public X509Certificate2Collection? Authorities { get; }

    public string Scheme => Tls ? "https" : "http";

    /// <summary>HTTPS, trusting only the CA certificates in the PEM file <paramref name="caFile"/> when given.</summary>
    public static AdminTransport Https(string? caFile)
    {
        if (caFile is null)
        {
            return new AdminTransport(true, null);
        }

        if (Directory.Exists(caFile))
        {
            throw CliException.Usage($"--ca {caFile} is a directory: --ca names the admin endpoint's CA certificate (PEM file); 'certs issue' takes its CA directory as --ca-dir");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw CliException.Usage($"--ca {caFile}: {e.Message}");
        }

        return authorities.Count > 0 ? new AdminTransport(true, authorities) : throw CliException.Usage($"--ca {caFile}: no PEM certificate in it");
    }

    /// <param name="token">The token requests carry: sent only to a listener of the user it names.</param>
    public HttpMessageHandler Handler(AdminToken? token)
    {
        // A member never redirects; a listener that does would have the next request's body (a policy, with its
        // route passwords) sent wherever it points.
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };

        // A certificate from the farm's own CA already proves the member; a given token's owner check would only stop a member of another user.
        var proven = Authorities is not null && token is { LoopbackOnly: true };
        if (token is { ListenerOwner: { } owner } && !proven)
        {
            handler.ConnectCallback = (context, cancel) => ListenerOwnerCheck.ConnectAsync(context.DnsEndPoint, owner, token.Owner, token.LoopbackOnly, cancel);
        }

        if (Authorities is { } authorities)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Trusted(certificate, chain, errors, authorities);
        }

        return handler;
    }

    /// <summary>The certificate names the address farmctl dialed and chains to one of the farm's CAs.</summary>
    private static bool Trusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        // The name check is the platform's; only the chain is judged again, against the farm's CA instead of the system's roots.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }
}
