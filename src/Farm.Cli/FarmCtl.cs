using System.Text;
using Farm.Cli.Import;
using Farm.Shared.Cluster;

namespace Farm.Cli;

/// <summary>
/// <c>farmctl [host:port] &lt;palette&gt; &lt;command&gt; [args] [--json] [--token T]</c>, one-shot, or an
/// interactive prompt reading commands line by line when no palette is given (like <c>pbm host:port</c>).
/// </summary>
public sealed class FarmCtl(TextReader input, TextWriter output, TextWriter error, Func<string, string?> environment)
{
    public const string DefaultEndpoint = "127.0.0.1:9110";

    private static readonly HashSet<string> Palettes = ["cluster", "policy", "node", "sessions", "stats", "client-config", "certs", "help"];

    private static readonly HashSet<string> Flags = ["json", "wait", "all-members", "help"];

    private CancellationTokenSource? _running;

    public static string Usage => $"""
        usage: farmctl [[https://]host:port] <palette> <command> [args] [--json] [--token-file F | --token -] [--trust-listener] [--tls] [--ca farm-ca.pem]
               farmctl [host:port]                      interactive: one command per line, 'exit' to leave

        The member defaults to {DefaultEndpoint}; the token comes from --token-file F (yours, not group/world
        writable), --token - (first line of standard input) or FARMCTL_TOKEN, else from the token file a member on
        this machine generated: $FARM_STATE_DIR (default ~/.local/share/farm)/admin-<ip>-<port>.token.
        (--token <value> works but every local user sees it in ps.) A token goes to a loopback listener only if it
        is yours (a token file's: its owner's); --trust-listener sends it to a member running as another user.
        --tls (or an https:// endpoint) speaks HTTPS; --ca trusts only that CA's certificates (implies --tls).

        {ClusterPalette.Usage}
        {PolicyPalette.Usage}
        {NodePalette.Usage}
        {SessionsPalette.Usage}
        {StatsCommand.Usage}
        {ClientConfigCommand.Usage}
        {Certs.CertsCommand.Usage}
        exit codes: 0 ok, 1 command failed, 2 usage error, 3 member unreachable, 4 unauthorized
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        Console.CancelKeyPress += OnCancel;
        try
        {
            var words = args.ToList();
            var endpoint = DefaultEndpoint;
            if (words.Count > 0 && !Palettes.Contains(words[0]) && !words[0].StartsWith("--", StringComparison.Ordinal))
            {
                endpoint = words[0];
                words.RemoveAt(0);
            }

            var token = await GivenTokenReader.ReadAsync(TakeOption(words, "token"), TakeOption(words, "token-file"), environment, input, error).ConfigureAwait(false);
            var trustListener = words.Remove("--trust-listener");
            var transport = Transport(ref endpoint, words.Remove("--tls"), TakeOption(words, "ca"));
            var json = words.Remove("--json");
            if (words.Count == 0)
            {
                return (int)await InteractiveAsync(endpoint, new TokenChoice(token, trustListener), transport, json).ConfigureAwait(false);
            }

            return (int)await RunOneAsync(endpoint, new TokenChoice(token, trustListener), transport, json, words).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"farmctl: {e.Message}").ConfigureAwait(false);
            return (int)e.Code;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    private async Task<ExitCode> RunOneAsync(string endpoint, TokenChoice token, AdminTransport transport, bool json, List<string> words)
    {
        using var cancel = new CancellationTokenSource();
        _running = cancel;
        try
        {
            return await DispatchAsync(endpoint, token, transport, json, words, cancel.Token).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"farmctl: {e.Message}").ConfigureAwait(false);
            return e.Code;
        }
        finally
        {
            _running = null;
        }
    }

    private async Task<ExitCode> DispatchAsync(string endpoint, TokenChoice token, AdminTransport transport, bool json, List<string> words, CancellationToken cancel)
    {
        var palette = words[0];
        if (palette is "help" or "--help" or "-h")
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return ExitCode.Ok;
        }

        if (!Palettes.Contains(palette))
        {
            throw CliException.Usage($"unknown palette '{palette}' (cluster, policy, node, sessions, stats, client-config, certs; 'help' lists the commands)");
        }

        if (palette == "stats")
        {
            return await StatsCommand.RunAsync(input, output, json, Arguments.Parse("stats", words[1..], Flags), cancel).ConfigureAwait(false);
        }

        if (palette == "policy" && words.Count > 1 && words[1] == "check")
        {
            return await PolicyCheckCommand.RunAsync(input, output, error, Arguments.Parse("policy check", words[2..], Flags), cancel).ConfigureAwait(false);
        }

        if (palette == "policy" && words.Count > 1 && words[1] == "import")
        {
            return await PolicyImportCommand.RunAsync(input, output, error, Arguments.Parse("policy import", words[2..], Flags), cancel).ConfigureAwait(false);
        }

        if (palette == "certs")
        {
            return Certs.CertsCommand.Run(output, words[1..]);
        }

        if (palette == "client-config" && (words.Contains("--farm-name") || words.Contains("--nodes")))
        {
            return await ClientConfigCommand.RunAsync(null, output, json, Arguments.Parse("client-config", words[1..], Flags), cancel).ConfigureAwait(false);
        }

        using var client = new AdminClient(endpoint, new AdminTokenSource(token.Given, FarmStateRoot.Path(environment), token.TrustListener), transport);
        var context = new CliContext(client, input, output, error, json, environment, cancel);
        if (palette == "client-config")
        {
            return await ClientConfigCommand.RunAsync(context, output, json, Arguments.Parse("client-config", words[1..], Flags), cancel).ConfigureAwait(false);
        }

        if (words.Count < 2)
        {
            throw CliException.Usage($"'{palette}' needs a command ('farmctl help' lists them)");
        }

        var command = words[1];
        var args = Arguments.Parse($"{palette} {command}", words[2..], Flags);
        return palette switch
        {
            "cluster" => await ClusterPalette.RunAsync(context, command, args).ConfigureAwait(false),
            "policy" when command == "hash-password" => PolicyPalette.HashPassword(input, output, error, args),
            "policy" => await PolicyPalette.RunAsync(context, command, args).ConfigureAwait(false),
            "node" => await NodePalette.RunAsync(context, command, args).ConfigureAwait(false),
            _ => await SessionsPalette.RunAsync(context, command, args).ConfigureAwait(false),
        };
    }

    private async Task<ExitCode> InteractiveAsync(string endpoint, TokenChoice token, AdminTransport transport, bool json)
    {
        var prompt = !Console.IsInputRedirected;
        var last = ExitCode.Ok;
        while (true)
        {
            if (prompt)
            {
                await output.WriteAsync($"farmctl {endpoint}> ").ConfigureAwait(false);
            }

            var line = await input.ReadLineAsync().ConfigureAwait(false);
            if (line is null)
            {
                return last;
            }

            var words = Split(line);
            if (words.Count == 0 || words[0].StartsWith('#'))
            {
                continue;
            }

            if (words[0] is "exit" or "quit")
            {
                return last;
            }

            var lineJson = words.Remove("--json") || json;
            last = await RunOneAsync(endpoint, token, transport, lineJson, words).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_running is { } running)
        {
            // Ctrl-C ends the running command (a tail) and lets farmctl exit cleanly.
            e.Cancel = true;
            running.Cancel();
        }
    }

    /// <summary>
    /// HTTPS when asked (<c>--tls</c>, <c>--ca</c> or an <c>https://</c> endpoint), else plain HTTP; the
    /// endpoint is left as <c>host:port</c>.
    /// </summary>
    private static AdminTransport Transport(ref string endpoint, bool tls, string? caFile)
    {
        var https = endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var http = endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        if (https || http)
        {
            endpoint = endpoint[(endpoint.IndexOf("//", StringComparison.Ordinal) + 2)..].TrimEnd('/');
        }

        if (http && (tls || caFile is not null))
        {
            throw CliException.Usage("an http:// endpoint cannot be used with --tls or --ca");
        }

        return https || tls || caFile is not null ? AdminTransport.Https(caFile) : AdminTransport.PlainHttp;
    }

    /// <summary>The token the operator gave, if any, and whether to skip the listener owner check.</summary>
    private sealed record TokenChoice(GivenToken? Given, bool TrustListener);

    private static string? TakeOption(List<string> words, string name)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i] == $"--{name}")
            {
                if (i + 1 >= words.Count)
                {
                    throw CliException.Usage($"--{name} needs a value");
                }

                var value = words[i + 1];
                words.RemoveRange(i, 2);
                return value;
            }

            if (words[i].StartsWith($"--{name}=", StringComparison.Ordinal))
            {
                var value = words[i][(name.Length + 3)..];
                words.RemoveAt(i);
                return value;
            }
        }

        return null;
    }

    /// <summary>Splits an interactive line into words; single or double quotes keep spaces.</summary>
    internal static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
