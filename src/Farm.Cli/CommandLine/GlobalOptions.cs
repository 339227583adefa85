using System.CommandLine;

namespace Farm.Cli.CommandLine;

/// <summary>The options every command takes, before or after its name: output, token and transport.</summary>
public sealed class GlobalOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "print JSON instead of pbm rows", Recursive = true };

    public Option<string> Token { get; } = new("--token")
    {
        Description = "the admin token: '-' reads the first line of standard input (a value works but shows in ps); else FARMCTL_TOKEN or the member's token file",
        HelpName = "-",
        Recursive = true,
    };

    public Option<string> TokenFile { get; } = new("--token-file") { Description = "read the admin token from this file (yours, not group/world writable)", HelpName = "file", Recursive = true };

    public Option<bool> TrustListener { get; } = new("--trust-listener") { Description = "send the token to a loopback member running as another user", Recursive = true };

    public Option<bool> Tls { get; } = new("--tls") { Description = "speak HTTPS to the member (as an https:// endpoint does)", Recursive = true };

    public Option<string> Ca { get; } = new("--ca") { Description = "trust only this CA's certificates (implies --tls)", HelpName = "farm-ca.pem", Recursive = true };

    /// <summary><c>-i</c>: the shell, as when no command is given; the root's own option, so not with a command.</summary>
    public Option<bool> Interactive { get; } = new("--interactive", "-i") { Description = "read commands line by line (as 'shell')" };

    /// <summary>The options every command takes (not <see cref="Interactive"/>).</summary>
    public IEnumerable<Option> All => [Json, Token, TokenFile, TrustListener, Tls, Ca];
}
