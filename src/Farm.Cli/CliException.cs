namespace Farm.Cli;

/// <summary>A command that cannot go on; the message is for the operator and the code for scripts.</summary>
public sealed class CliException(ExitCode code, string message) : Exception(message)
{
    public ExitCode Code { get; } = code;

    public static CliException Usage(string message) => new(ExitCode.Usage, message);
}
