using System.CommandLine;
using Farm.Cli.CommandLine;
using Farm.Shared.Policy;

namespace Farm.Cli.Import;

/// <summary>
/// <c>policy import --from dante|socks5 &lt;file&gt;</c>: converts another server's configuration into a
/// Farm policy on standard output, reports every construct it could not convert with its line on
/// standard error, and checks the result as <c>policy check</c> does. No member is needed.
/// </summary>
public static class PolicyImportCommand
{
    public static Command Command(Invocation run)
    {
        var from = new Option<string>("--from") { Description = "the configuration's format", Required = true, HelpName = "dante|socks5" };
        from.CompletionSources.Add("dante", "socks5");
        from.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } format && Converter(format) is null)
            {
                result.AddError($"policy import: --from must be dante (sockd.conf, danted.conf) or socks5 (NEC-style socks5.conf), not '{format}'");
            }
        });
        var file = new Argument<string>("file") { Description = "the configuration file ('-' for standard input)" };
        var import = new Command("import", "convert a Dante sockd.conf or NEC socks5.conf to a policy (no member needed)") { from, file };
        import.SetAction(async (parse, cancel) =>
            (int)await RunAsync(run.In, run.Out, run.Error, Converter(parse.GetValue(from)!)!, parse.GetValue(file)!, cancel).ConfigureAwait(false));
        return import;
    }

    private static Func<string, ImportResult>? Converter(string format) => format switch
    {
        "dante" => DanteConverter.Convert,
        "socks5" or "nec" => NecSocks5Converter.Convert,
        _ => null,
    };

    private static async Task<ExitCode> RunAsync(TextReader input, TextWriter output, TextWriter error, Func<string, ImportResult> convert, string file, CancellationToken cancel)
    {

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
