using Farm.Shared.Policy;

namespace Farm.Cli.Import;

/// <summary>
/// <c>policy import --from dante|socks5 &lt;file&gt;</c>: converts another server's configuration into a
/// Farm policy on standard output, reports every construct it could not convert with its line on
/// standard error, and checks the result as <c>policy check</c> does. No member is needed.
/// </summary>
public static class PolicyImportCommand
{
    public static async Task<ExitCode> RunAsync(TextReader input, TextWriter output, TextWriter error, Arguments args, CancellationToken cancel)
    {
        var format = args.Required("from");
        var file = args.NextRequired("the configuration file");
        args.Done();
        Func<string, ImportResult> convert = format switch
        {
            "dante" => DanteConverter.Convert,
            "socks5" or "nec" => NecSocks5Converter.Convert,
            _ => throw CliException.Usage($"policy import: --from must be dante (sockd.conf, danted.conf) or socks5 (NEC-style socks5.conf), not '{format}'"),
        };

        var result = convert(await PolicyFiles.ReadAsync(file, input, cancel).ConfigureAwait(false));
        var parsed = PolicyParser.Parse(result.Text);
        if (!parsed.Success)
        {
            // The converter wrote something the parser refuses: a converter bug, never a half-valid policy.
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"converted policy:{problem.Line}:{problem.Column}: {problem.Message}").ConfigureAwait(false);
            }

            throw new CliException(ExitCode.Failed, $"policy import: the policy converted from {file} does not pass policy check");
        }

        await output.WriteAsync(result.Text).ConfigureAwait(false);
        foreach (var problem in result.Problems)
        {
            await error.WriteLineAsync($"{file}:{problem.Line}: not converted: {problem.Message}").ConfigureAwait(false);
        }

        await error.WriteLineAsync($"{file}: converted; {result.Problems.Count} construct(s) not converted").ConfigureAwait(false);
        return ExitCode.Ok;
    }
}
