namespace Farm.Cli.CommandLine;

/// <summary>What the shell's own command line gave, for every command typed in it: the token is read once.</summary>
public sealed record ShellDefaults(GivenToken? Token, bool TrustListener, bool Tls, string? Ca, bool Json);
