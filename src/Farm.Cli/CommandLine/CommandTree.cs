using System.CommandLine;
using Farm.Cli.Shell;

namespace Farm.Cli.CommandLine;

/// <summary>farmctl's commands, palette by palette, as System.CommandLine parses, helps with and completes them.</summary>
public static class CommandTree
{
    public const string Description = $"""
        farmctl: operate a Farm SOCKS proxy farm through a member's admin endpoint.

        usage: farmctl [[https://]host[:port]] <palette> <command> [args] [options]
               farmctl [host[:port]] [shell | -i]        interactive: one command per line, 'exit' to leave

        The member defaults to {MemberWord.DefaultEndpoint}; a host without a port means port {MemberWord.DefaultPortText}.
        The token comes from --token-file F (yours, not group/world writable), --token - (first line of standard
        input) or FARMCTL_TOKEN, else from the token file a member on this machine generated:
        $FARM_STATE_DIR (default ~/.local/share/farm)/admin-<ip>-<port>.token. A token goes to a loopback
        listener only if it is yours; --trust-listener sends it to a member running as another user.
        --tls (or an https:// endpoint) speaks HTTPS; --ca trusts only that CA's certificates (implies --tls).
        'farmctl <palette> --help' describes a palette, 'farmctl <palette> <command> --help' a command.

        exit codes: 0 ok, 1 command failed, 2 usage error, 3 member unreachable, 4 unauthorized
        """;

    /// <summary>The tree; <paramref name="shell"/> runs the interactive shell (the root's own action, and <c>shell</c>'s).</summary>
    public static RootCommand Build(Invocation run, Func<ParseResult, CancellationToken, Task<int>> shell)
    {
        var root = new RootCommand(Description);
        foreach (var option in run.Options.All)
        {
            root.Options.Add(option);
        }

        root.Options.Add(run.Options.Interactive);
        root.Subcommands.Add(ClusterPalette.Command(run));
        root.Subcommands.Add(PolicyPalette.Command(run));
        root.Subcommands.Add(NodePalette.Command(run));
        root.Subcommands.Add(SessionsPalette.Command(run));
        root.Subcommands.Add(StatsCommand.Command(run));
        root.Subcommands.Add(ClientConfigCommand.Command(run));
        root.Subcommands.Add(Certs.CertsCommand.Command(run));
        root.Subcommands.Add(CompletionCommand.Command(run));
        var shellCommand = new Command(InteractiveShell.CommandName, "read commands line by line ('exit' or end of input leaves; 'history' lists them)");
        shellCommand.SetAction(shell);
        root.Subcommands.Add(shellCommand);
        root.SetAction(shell);
        return root;
    }

    /// <summary>The words that are commands at the top, so that a member named in front of them is told apart.</summary>
    public static IReadOnlySet<string> TopLevel(RootCommand root) =>
        root.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)).Append("help").ToHashSet(StringComparer.Ordinal);
}
