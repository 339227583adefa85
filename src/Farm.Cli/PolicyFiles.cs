namespace Farm.Cli;

/// <summary>Reads a policy file named on the command line, or standard input for '-'.</summary>
public static class PolicyFiles
{
    public static async Task<string> ReadAsync(string file, TextReader input, CancellationToken cancel)
    {
        try
        {
            return file == "-"
                ? await input.ReadToEndAsync(cancel).ConfigureAwait(false)
                : await File.ReadAllTextAsync(file, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCode.Failed, $"cannot read {file}: {e.Message}");
        }
    }
}
