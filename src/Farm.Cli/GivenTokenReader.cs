namespace Farm.Cli;

/// <summary>
/// Reads the token the operator gave: <c>--token-file &lt;path&gt;</c> (trusted as a member's token file
/// is), <c>--token -</c> (the first line of standard input), <c>FARMCTL_TOKEN</c>, or <c>--token &lt;value&gt;</c>,
/// which every local user sees in <c>ps</c> and is warned about.
/// </summary>
public static class GivenTokenReader
{
    public const string Warning =
        "farmctl: warning: --token <value> shows the token to every user of this machine (ps, /proc/<pid>/cmdline); use --token-file <path>, --token - (standard input) or FARMCTL_TOKEN";

    public static async Task<GivenToken?> ReadAsync(string? token, string? tokenFile, Func<string, string?> environment, TextReader input, TextWriter error)
    {
        if (token is not null && tokenFile is not null)
        {
            throw CliException.Usage("--token and --token-file: give one");
        }

        if (tokenFile is not null)
        {
            if (!File.Exists(tokenFile))
            {
                throw CliException.Usage($"--token-file {tokenFile}: no such file");
            }

            return AdminTokenSource.ReadTrusted(tokenFile, "token file", "token file directory") is { } fromFile
                ? new GivenToken(fromFile, $"--token-file {tokenFile}")
                : throw CliException.Usage($"--token-file {tokenFile}: empty, or longer than a token");
        }

        if (token == "-")
        {
            return (await input.ReadLineAsync().ConfigureAwait(false))?.Trim() is { Length: > 0 } line
                ? new GivenToken(line, "--token - (standard input)")
                : throw CliException.Usage("--token -: standard input has no token on its first line");
        }

        if (!string.IsNullOrEmpty(token))
        {
            await error.WriteLineAsync(Warning).ConfigureAwait(false);
            return new GivenToken(token, "--token");
        }

        return environment("FARMCTL_TOKEN") is { Length: > 0 } variable ? new GivenToken(variable, "FARMCTL_TOKEN") : null;
    }
}
