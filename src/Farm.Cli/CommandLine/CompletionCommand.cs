using System.CommandLine;

namespace Farm.Cli.CommandLine;

/// <summary>
/// <c>completion bash|zsh</c>: a script that asks farmctl itself, through System.CommandLine's
/// <c>[suggest:N]</c> directive, what may follow the words typed so far (palettes, commands, options, values).
/// </summary>
public static class CompletionCommand
{
    public const string Bash = """
        # bash completion for farmctl: source <(farmctl completion bash)
        _farmctl_complete()
        {
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#"${line%%[![:space:]]*}"}"
            local rest="${line#*[[:space:]]}"
            [[ "$rest" == "$line" ]] && rest=""
            mapfile -t COMPREPLY < <("${COMP_WORDS[0]}" "[suggest:${#rest}]" "$rest" 2>/dev/null)
        }
        complete -o default -F _farmctl_complete farmctl

        """;

    public const string Zsh = """
        #compdef farmctl
        # zsh completion for farmctl: source <(farmctl completion zsh), after compinit
        _farmctl() {
            local rest="${(j: :)words[2,CURRENT]}"
            local -a candidates
            candidates=(${(f)"$(${words[1]} "[suggest:${#rest}]" "$rest" 2>/dev/null)"})
            compadd -a candidates
        }
        compdef _farmctl farmctl

        """;

    public static Command Command(Invocation run)
    {
        var shell = new Argument<string>("shell") { Description = "the shell the script is for" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "print a completion script: source <(farmctl completion bash)") { shell };
        command.SetAction(parse => run.Out.Write(parse.GetValue(shell) == "zsh" ? Zsh : Bash));
        return command;
    }
}
