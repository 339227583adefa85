using Farm.Shared.Policy;

namespace Farm.Cli;

/// <summary>
/// <c>policy check &lt;file&gt;...</c>: validates policy files here, with no member, exactly as a member
/// validates an apply; errors as file:line:column, warnings after them.
/// </summary>
public static class PolicyCheckCommand
{
    public static async Task<ExitCode> RunAsync(TextReader input, TextWriter output, TextWriter error, IReadOnlyList<string> files, CancellationToken cancel)
    {
        if (files.Count == 0)
        {
            throw CliException.Usage("policy check: give one or more policy files ('-' for standard input)");
        }

        var failed = false;
        foreach (var file in files)
        {
            var text = await PolicyFiles.ReadAsync(file, input, cancel).ConfigureAwait(false);
            var parsed = PolicyParser.Parse(text);
            if (!parsed.Success)
            {
                failed = true;
                foreach (var problem in parsed.Errors)
                {
                    await error.WriteLineAsync($"{file}:{problem.Line}:{problem.Column}: {problem.Message}").ConfigureAwait(false);
                }

                await error.WriteLineAsync($"{file}: {parsed.Errors.Count} error(s)").ConfigureAwait(false);
                continue;
            }

            foreach (var warning in NamePassShadowing.Find(parsed.Document!))
            {
                await error.WriteLineAsync($"{file}: warning: {warning}").ConfigureAwait(false);
            }

            var rules = CompiledPolicy.Compile(parsed.Document!).RuleCount;
            await output.WriteLineAsync($"{file}: ok, {rules} rules").ConfigureAwait(false);
        }

        return failed ? ExitCode.Failed : ExitCode.Ok;
    }
}
