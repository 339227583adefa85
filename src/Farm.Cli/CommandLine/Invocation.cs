using System.CommandLine;
using Farm.Shared.Cluster;

namespace Farm.Cli.CommandLine;

/// <summary>
/// What a command's action needs besides its own values: the streams, the environment, the member the
/// command line named, and the options every command takes. Commands that need no member never read a token.
/// </summary>
public sealed class Invocation(TextReader input, TextWriter output, TextWriter error, Func<string, string?> environment, string endpoint)
{
    public TextReader In => input;

    public TextWriter Out => output;

    public TextWriter Error => error;

    public Func<string, string?> Environment => environment;

    public string Endpoint => endpoint;

    public GlobalOptions Options { get; } = new();

    /// <summary>Set while the interactive shell runs: its command line's token and options.</summary>
    public ShellDefaults? Shell { get; set; }

    public bool Json(ParseResult parse) => parse.GetValue(Options.Json) || Shell is { Json: true };

    /// <summary>Runs <paramref name="run"/> with a client for the member, its token read as the options say.</summary>
    public async Task<int> WithMemberAsync(ParseResult parse, CancellationToken cancel, Func<CliContext, Task<ExitCode>> run)
    {
        var token = await TokenAsync(parse).ConfigureAwait(false);
        var (address, transport) = Transport(parse);
        var trustListener = parse.GetValue(Options.TrustListener) || Shell is { TrustListener: true };
        using var client = new AdminClient(address, new AdminTokenSource(token, FarmStateRoot.Path(environment), trustListener), transport);
        return (int)await run(new CliContext(client, input, output, error, Json(parse), environment, cancel)).ConfigureAwait(false);
    }

    /// <summary>The shell's defaults from its own command line; the token is read here, once.</summary>
    public async Task<ShellDefaults> ShellDefaultsAsync(ParseResult parse) =>
        new(await TokenAsync(parse).ConfigureAwait(false), parse.GetValue(Options.TrustListener), parse.GetValue(Options.Tls), parse.GetValue(Options.Ca), parse.GetValue(Options.Json));

    private async Task<GivenToken?> TokenAsync(ParseResult parse)
    {
        var token = parse.GetValue(Options.Token);
        var tokenFile = parse.GetValue(Options.TokenFile);
        if (token is null && tokenFile is null && Shell is not null)
        {
            return Shell.Token;
        }

        return await GivenTokenReader.ReadAsync(token, tokenFile, environment, input, error).ConfigureAwait(false);
    }

    /// <summary>
    /// HTTPS when asked (<c>--tls</c>, <c>--ca</c> or an <c>https://</c> endpoint), else plain HTTP; the
    /// address is left as <c>host:port</c>.
    /// </summary>
    private (string Address, AdminTransport Transport) Transport(ParseResult parse)
    {
        var tls = parse.GetValue(Options.Tls) || Shell is { Tls: true };
        var caFile = parse.GetValue(Options.Ca) ?? Shell?.Ca;
        var address = endpoint;
        var https = address.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var http = address.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        if (https || http)
        {
            address = address[(address.IndexOf("//", StringComparison.Ordinal) + 2)..].TrimEnd('/');
        }

        if (http && (tls || caFile is not null))
        {
            throw CliException.Usage("an http:// endpoint cannot be used with --tls or --ca");
        }

        return (address, https || tls || caFile is not null ? AdminTransport.Https(caFile) : AdminTransport.PlainHttp);
    }
}
