using System.Net;

namespace Farm.Admin;

/// <summary>The admin endpoint, bound from <c>Farm:Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Farm:Admin";

    /// <summary>The shortest <see cref="Token"/> a member accepts.</summary>
    public const int MinTokenLength = 16;

    /// <summary><c>address:port</c>; loopback by default so that a first run exposes nothing.</summary>
    public string Listen { get; set; } = "127.0.0.1:9110";

    /// <summary>
    /// Bearer token every request must carry; required when <see cref="Listen"/> is beyond loopback. When
    /// unset, a loopback member generates one into its state root (see <c>AdminTokenFile</c>).
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Names besides the listen address a request's <c>Host</c> may carry (a DNS name operators use); none by default.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>PEM certificate (with its chain) to serve HTTPS; with <see cref="Key"/>. Unset: plain HTTP.</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key of <see cref="Certificate"/>.</summary>
    public string? Key { get; set; }

    public bool UsesTls => !string.IsNullOrEmpty(Certificate);

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>The endpoint to bind, or an exception whose message tells the operator what to fix.</summary>
    public IPEndPoint Validate()
    {
        if (!IPEndPoint.TryParse(Listen, out var endpoint) || !Listen.Contains(':', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Section}:Listen: '{Listen}' is not address:port (IPv6 as [::1]:9110)");
        }

        if (!IPAddress.IsLoopback(endpoint.Address) && string.IsNullOrEmpty(Token))
        {
            throw new InvalidOperationException(
                $"{Section}:Listen is {Listen}, beyond loopback, and {Section}:Token is not set: refusing to start an admin endpoint anyone on the network could drive. Set {Section}:Token (FARM__ADMIN__TOKEN) or listen on 127.0.0.1.");
        }

        // A short token falls to guessing over the network; a generated one is 43 characters.
        if (Token is { Length: > 0 and < MinTokenLength })
        {
            throw new InvalidOperationException(
                $"{Section}:Token is {Token.Length} characters, fewer than {MinTokenLength}: refusing to start with a guessable token. Set a longer one (e.g. `openssl rand -base64 32`) or unset it to have one generated.");
        }

        if (string.IsNullOrEmpty(Certificate) != string.IsNullOrEmpty(Key))
        {
            throw new InvalidOperationException($"{Section}:Certificate and {Section}:Key go together: set both (PEM files) for HTTPS, or neither");
        }

        if (MaxRequestBytes <= 0)
        {
            throw new InvalidOperationException($"{Section}:MaxRequestBytes: {MaxRequestBytes} is not a positive number of bytes");
        }

        return endpoint;
    }
}
