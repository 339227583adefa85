namespace Farm.Cli;

/// <summary>What every command gets: the member to talk to, the streams, and whether to print JSON.</summary>
public sealed record CliContext(
    AdminClient Client,
    TextReader In,
    TextWriter Out,
    TextWriter Error,
    bool Json,
    Func<string, string?> Environment,
    CancellationToken Cancel);
