using System.Globalization;
using System.Text.Json;
using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Security;

namespace Farm.Cli;

/// <summary>The policy palette: show, apply, test, history, rollback, status, diff; check and hash-password need no member.</summary>
public static class PolicyPalette
{
    public const string Usage = """
        policy show                       the policy text the member enforces
        policy apply <file> [--expect N]  validate and apply a policy file (errors as file:line:column)
        policy test --from <ip> --to <host|ip>:<port> [--user u] [--on <listener ip>] [--cmd connect|bind|udp]
                                          which rule decides, and why
        policy history                    versions, newest last
        policy rollback [<version>] [--expect N]
                                          re-apply an earlier version (the previous one by default)
        policy reload [--expect N]        re-read the member's policy file and apply it (as SIGHUP does)
                                          apply, rollback and reload replace version N (default: the version
                                          the member enforces); if the farm moved on: "conflict", exit 1
        policy status                     the version each member enforces
        policy hash-password [<user>]     read a password on stdin, print the user line (no member needed)
        policy check <file>...            validate policy files as a member would (no member needed)
        policy import --from dante|socks5 <file>
                                          convert a Dante sockd.conf or NEC socks5.conf to a policy (no member needed)
        policy diff [<file>|<version>]    the farm's policy against a file or an earlier version (exit 1 when they differ)
        """;

    public static async Task<ExitCode> RunAsync(CliContext context, string command, Arguments args)
    {
        var client = context.Client;
        var json = AdminJsonContext.Default;
        switch (command)
        {
            case "show":
                args.Done();
                var view = await client.GetAsync(AdminRoutes.Policy, json.PolicyView, context.Cancel).ConfigureAwait(false);
                if (context.Json)
                {
                    context.Out.WriteLine(JsonSerializer.Serialize(view, json.PolicyView));
                    return ExitCode.Ok;
                }

                context.Out.WriteLine($"# version {view.Version} by {view.Author} from {view.Source} at {view.Time:O}, {view.Rules} rules");
                context.Out.Write(view.Text);
                if (!view.Text.EndsWith('\n'))
                {
                    context.Out.WriteLine();
                }

                return ExitCode.Ok;
            case "apply":
                var file = args.NextRequired("the policy file");
                var author = args.Option("author") ?? context.Environment("USER") ?? "farmctl";
                var expectText = args.Option("expect");
                args.Done();
                var text = await PolicyFiles.ReadAsync(file, context.In, context.Cancel).ConfigureAwait(false);

                var expected = await ExpectedAsync(context, expectText).ConfigureAwait(false);
                var applied = await client.PostAsync(AdminRoutes.PolicyApply, new PolicyApplyRequest(text, author, expected), json.PolicyApplyRequest, json.PolicyApplyResult, context.Cancel).ConfigureAwait(false);
                return Report(context, applied, file, "applied");
            case "test":
                var request = new PolicyTestRequest(args.Required("from"), args.Option("user"), args.Option("on"), args.Required("to"), args.Option("cmd"));
                args.Done();
                var result = await client.PostAsync(AdminRoutes.PolicyTest, request, json.PolicyTestRequest, json.PolicyTestResult, context.Cancel).ConfigureAwait(false);
                if (context.Json)
                {
                    context.Out.WriteLine(JsonSerializer.Serialize(result, json.PolicyTestResult));
                    return ExitCode.Ok;
                }

                context.Out.WriteLine($"{result.Verdict}: decided by {result.DecidingRule} (policy version {result.PolicyVersion})");
                foreach (var step in result.Steps)
                {
                    context.Out.WriteLine($"  {step.Stage,-8} {step.Result,-14} {step.Reason}");
                }

                foreach (var warning in result.Warnings ?? [])
                {
                    context.Out.WriteLine($"warning: {warning}");
                }

                return ExitCode.Ok;
            case "history":
                args.Done();
                var history = await client.GetAsync(AdminRoutes.PolicyHistory, json.IReadOnlyListPolicyHistoryEntry, context.Cancel).ConfigureAwait(false);
                if (context.Json)
                {
                    context.Out.WriteLine(JsonSerializer.Serialize(history, json.IReadOnlyListPolicyHistoryEntry));
                    return ExitCode.Ok;
                }

                Table.Write(context.Out, history.Select(h => (IReadOnlyList<string>)
                [
                    $"{(h.Current ? "*" : " ")}{h.Version}",
                    h.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    h.Author,
                    h.Source,
                    $"{h.Rules} rules",
                ]));
                return ExitCode.Ok;
            case "rollback":
                var versionText = args.Next();
                var rollbackExpect = args.Option("expect");
                args.Done();
                long? version = null;
                if (versionText is not null)
                {
                    version = long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                        ? v
                        : throw CliException.Usage($"policy rollback: '{versionText}' is not a version number");
                }

                var rollbackExpected = await ExpectedAsync(context, rollbackExpect).ConfigureAwait(false);
                var rolled = await client.PostAsync(AdminRoutes.PolicyRollback, new PolicyRollbackRequest(version, rollbackExpected), json.PolicyRollbackRequest, json.PolicyApplyResult, context.Cancel).ConfigureAwait(false);
                return Report(context, rolled, "rollback", "rolled back");
            case "reload":
                var reloadExpect = args.Option("expect");
                args.Done();
                var reloadExpected = await ExpectedAsync(context, reloadExpect).ConfigureAwait(false);
                var reloaded = await client.PostAsync(AdminRoutes.PolicyReload, new PolicyReloadRequest("farmctl", reloadExpected), json.PolicyReloadRequest, json.PolicyApplyResult, context.Cancel).ConfigureAwait(false);
                return Report(context, reloaded, "reload", "reloaded");
            case "status":
                args.Done();
                var status = await client.GetAsync(AdminRoutes.PolicyStatus, json.PolicyStatus, context.Cancel).ConfigureAwait(false);
                if (context.Json)
                {
                    context.Out.WriteLine(JsonSerializer.Serialize(status, json.PolicyStatus));
                    return ExitCode.Ok;
                }

                Table.Write(context.Out, status.Members.Select(m => (IReadOnlyList<string>)[m.Member, $"version {m.Version}"]));
                context.Out.WriteLine($"{(status.Converged ? "converged" : "NOT converged")} on version {status.Latest} ({status.Replication})");
                return status.Converged ? ExitCode.Ok : ExitCode.Failed;
            case "diff":
                var against = args.Next();
                args.Done();
                return await DiffAsync(context, against).ConfigureAwait(false);
            default:
                throw CliException.Usage($"unknown command 'policy {command}'\n{Usage}");
        }
    }

    /// <summary>Runs without a member: the hash is made here so the password never crosses the network.</summary>
    public static ExitCode HashPassword(TextReader input, TextWriter output, TextWriter error, Arguments args)
    {
        var user = args.Next();
        args.Done();
        if (!Console.IsInputRedirected)
        {
            error.Write("password: ");
        }

        var password = input.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            throw CliException.Usage("policy hash-password: no password on standard input");
        }

        var hash = PasswordHasher.Hash(password);
        output.WriteLine(user is null ? hash : $"user {user} {hash}");
        return ExitCode.Ok;
    }

    /// <summary>
    /// From the farm's version to the file (or to the farm's version from an earlier one); both sides
    /// redacted as the member shows policies, so no secret is printed.
    /// </summary>
    private static async Task<ExitCode> DiffAsync(CliContext context, string? against)
    {
        var json = AdminJsonContext.Default;
        var current = await context.Client.GetAsync(AdminRoutes.Policy, json.PolicyView, context.Cancel).ConfigureAwait(false);
        string beforeName, afterName, before, after;
        if (against is null || !long.TryParse(against, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            var file = against ?? throw CliException.Usage("policy diff: give a policy file or a version number");
            (beforeName, before) = ($"version {current.Version}", current.Text);
            (afterName, after) = (file, PolicyRedactor.Redact(await PolicyFiles.ReadAsync(file, context.In, context.Cancel).ConfigureAwait(false)));
        }
        else
        {
            var earlier = await context.Client.GetAsync($"{AdminRoutes.Policy}?version={version}", json.PolicyView, context.Cancel).ConfigureAwait(false);
            (beforeName, before) = ($"version {earlier.Version}", earlier.Text);
            (afterName, after) = ($"version {current.Version}", current.Text);
        }

        var lines = LineDiff.Compare(LineDiff.Lines(before), LineDiff.Lines(after));
        if (lines.All(l => l[0] == ' '))
        {
            context.Out.WriteLine($"no difference between {beforeName} and {afterName}");
            return ExitCode.Ok;
        }

        context.Out.WriteLine($"--- {beforeName}");
        context.Out.WriteLine($"+++ {afterName}");
        foreach (var line in lines)
        {
            context.Out.WriteLine(line);
        }

        return ExitCode.Failed;
    }

    /// <summary>
    /// The version a write replaces: --expect when given, else the version the member enforces now. The
    /// farm takes the write only if it is still on that version, so two operators cannot both "win".
    /// </summary>
    private static async Task<long> ExpectedAsync(CliContext context, string? expect)
    {
        if (expect is not null)
        {
            return long.TryParse(expect, NumberStyles.None, CultureInfo.InvariantCulture, out var given)
                ? given
                : throw CliException.Usage($"--expect: '{expect}' is not a version number");
        }

        var view = await context.Client.GetAsync(AdminRoutes.Policy, AdminJsonContext.Default.PolicyView, context.Cancel).ConfigureAwait(false);
        return view.Version;
    }

    private static ExitCode Report(CliContext context, PolicyApplyResult result, string source, string verb)
    {
        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(result, AdminJsonContext.Default.PolicyApplyResult));
        }
        else if (result.Applied)
        {
            context.Out.WriteLine(result is { Enforcing: { } enforcing, Members: { } members }
                ? $"{verb} version {result.Version} ({enforcing} of {members} members enforce it)"
                : $"{verb} version {result.Version}");
        }
        else if (result.Unknown is { } unknown)
        {
            // Nothing was refused: saying which version "stays" would be a guess.
            context.Error.WriteLine($"outcome unknown: {unknown}");
        }
        else
        {
            foreach (var problem in result.Errors)
            {
                context.Error.WriteLine($"{source}:{problem.Line}:{problem.Column}: {problem.Message}");
            }

            context.Error.WriteLine($"refused: {result.Errors.Count} error(s); version {result.Version} stays");
        }

        return result.Applied ? ExitCode.Ok : ExitCode.Failed;
    }
}
