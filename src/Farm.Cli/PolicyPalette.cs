using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Farm.Cli.CommandLine;
using Farm.Shared.Admin;
using Farm.Shared.Policy;
using Farm.Shared.Security;

namespace Farm.Cli;

/// <summary>The policy palette: show, apply, test, history, rollback, status, diff; check and hash-password need no member.</summary>
public static class PolicyPalette
{
    public static Command Command(Invocation run)
    {
        var show = new Command("show", "the policy text the member enforces");
        show.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, ShowAsync));

        var file = new Argument<string>("file") { Description = "the policy file ('-' for standard input)" };
        var author = new Option<string>("--author") { Description = "who applies it, for the history (default: $USER)" };
        var expect = ExpectOption();
        var operatorCert = new Option<string>("--operator-cert") { Description = $"the operator certificate that signs the write (a TLS farm; default: ${OperatorKey.CertificateVariable})", HelpName = "PEM" };
        var operatorKey = new Option<string>("--operator-key") { Description = $"its private key (default: ${OperatorKey.KeyVariable})", HelpName = "PEM" };
        var apply = new Command("apply", "validate and apply a policy file (errors as file:line:column)") { file, author, expect, operatorCert, operatorKey };
        apply.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c =>
            ApplyAsync(c, parse.GetValue(file)!, parse.GetValue(author), parse.GetValue(expect), parse.GetValue(operatorCert), parse.GetValue(operatorKey))));

        var from = new Option<string>("--from") { Description = "the client's address", Required = true, HelpName = "ip" };
        var to = new Option<string>("--to") { Description = "the destination", Required = true, HelpName = "host|ip:port" };
        var user = new Option<string>("--user") { Description = "the authenticated user", HelpName = "u" };
        var on = new Option<string>("--on") { Description = "the listener the client reached", HelpName = "listener ip" };
        var cmd = new Option<string>("--cmd") { Description = "the SOCKS command", HelpName = "connect|bind|udp" };
        cmd.CompletionSources.Add("connect", "bind", "udp");
        var test = new Command("test", "which rule decides, and why") { from, to, user, on, cmd };
        test.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c =>
            TestAsync(c, new PolicyTestRequest(parse.GetValue(from)!, parse.GetValue(user), parse.GetValue(on), parse.GetValue(to)!, parse.GetValue(cmd)))));

        var history = new Command("history", "versions, newest last");
        history.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, HistoryAsync));

        var version = new Argument<long?>("version")
        {
            Description = "the version to re-apply (the previous one by default)",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = ValueParsers.Create<long?>(Version, text => $"policy rollback: '{text}' is not a version number"),
        };
        var rollbackExpect = ExpectOption();
        var rollback = new Command("rollback", "re-apply an earlier version") { version, rollbackExpect };
        rollback.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c => RollbackAsync(c, parse.GetValue(version), parse.GetValue(rollbackExpect))));

        var reloadExpect = ExpectOption();
        var reload = new Command("reload", "re-read the member's policy file and apply it (as SIGHUP does)") { reloadExpect };
        reload.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c => ReloadAsync(c, parse.GetValue(reloadExpect))));

        var status = new Command("status", "the version each member enforces (exit 1 when not converged)");
        status.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, StatusAsync));

        var against = new Argument<string?>("file|version") { Description = "a policy file, or an earlier version", Arity = ArgumentArity.ZeroOrOne };
        var diff = new Command("diff", "the farm's policy against a file or an earlier version (exit 1 when they differ)") { against };
        diff.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c => DiffAsync(c, parse.GetValue(against))));

        var hashUser = new Argument<string?>("user") { Description = "print a whole user line for this user", Arity = ArgumentArity.ZeroOrOne };
        var hash = new Command("hash-password", "read a password on standard input, print the user line (no member needed)") { hashUser };
        hash.SetAction(parse => (int)HashPassword(run.In, run.Out, run.Error, parse.GetValue(hashUser)));

        var files = new Argument<string[]>("file") { Description = "policy files ('-' for standard input)", Arity = ArgumentArity.ZeroOrMore };
        var check = new Command("check", "validate policy files as a member would (no member needed)") { files };
        check.SetAction(async (parse, cancel) => (int)await PolicyCheckCommand.RunAsync(run.In, run.Out, run.Error, parse.GetValue(files)!, cancel).ConfigureAwait(false));

        return new Command("policy", "the farm's policy: show, apply, test, history, rollback, reload, status, diff, check, import")
        {
            show, apply, test, history, rollback, reload, status, diff, hash, check, Import.PolicyImportCommand.Command(run),
        };
    }

    private static Option<long?> ExpectOption() => new("--expect")
    {
        Description = "the version this write replaces (default: the version the member enforces); if the farm moved on: conflict, exit 1",
        HelpName = "N",
        CustomParser = ValueParsers.Create<long?>(Version, text => $"--expect: '{text}' is not a version number"),
    };

    private static bool Version(string text, out long? version)
    {
        var ok = ValueParsers.Number(0, long.MaxValue)(text, out var value);
        version = ok ? value : null;
        return ok;
    }

    private static async Task<ExitCode> ShowAsync(CliContext context)
    {
        var json = AdminJsonContext.Default;
        var view = await context.Client.GetAsync(AdminRoutes.Policy, json.PolicyView, context.Cancel).ConfigureAwait(false);
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
    }

    private static async Task<ExitCode> ApplyAsync(CliContext context, string file, string? author, long? expect, string? operatorCert, string? operatorKey)
    {
        var json = AdminJsonContext.Default;
        using var signer = OperatorKey.Load(operatorCert, operatorKey, context.Environment);
        var text = await PolicyFiles.ReadAsync(file, context.In, context.Cancel).ConfigureAwait(false);
        var expected = await ExpectedAsync(context, expect).ConfigureAwait(false);
        var writer = author ?? context.Environment("USER") ?? "farmctl";
        var request = new PolicyApplyRequest(text, writer, expected, signer is null ? null : OperatorKey.SignApply(signer, text, expected, writer));
        var applied = await context.Client.PostAsync(AdminRoutes.PolicyApply, request, json.PolicyApplyRequest, json.PolicyApplyResult, context.Cancel).ConfigureAwait(false);
        return Report(context, applied, file, "applied");
    }

    private static async Task<ExitCode> TestAsync(CliContext context, PolicyTestRequest request)
    {
        var json = AdminJsonContext.Default;
        var result = await context.Client.PostAsync(AdminRoutes.PolicyTest, request, json.PolicyTestRequest, json.PolicyTestResult, context.Cancel).ConfigureAwait(false);
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
    }

    private static async Task<ExitCode> HistoryAsync(CliContext context)
    {
        var json = AdminJsonContext.Default;
        var history = await context.Client.GetAsync(AdminRoutes.PolicyHistory, json.IReadOnlyListPolicyHistoryEntry, context.Cancel).ConfigureAwait(false);
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
    }

    private static async Task<ExitCode> RollbackAsync(CliContext context, long? version, long? expect)
    {
        var json = AdminJsonContext.Default;
        var expected = await ExpectedAsync(context, expect).ConfigureAwait(false);
        var rolled = await context.Client.PostAsync(AdminRoutes.PolicyRollback, new PolicyRollbackRequest(version, expected), json.PolicyRollbackRequest, json.PolicyApplyResult, context.Cancel).ConfigureAwait(false);
        return Report(context, rolled, "rollback", "rolled back");
    }

    private static async Task<ExitCode> ReloadAsync(CliContext context, long? expect)
    {
        var json = AdminJsonContext.Default;
        var expected = await ExpectedAsync(context, expect).ConfigureAwait(false);
        var reloaded = await context.Client.PostAsync(AdminRoutes.PolicyReload, new PolicyReloadRequest("farmctl", expected), json.PolicyReloadRequest, json.PolicyApplyResult, context.Cancel).ConfigureAwait(false);
        return Report(context, reloaded, "reload", "reloaded");
    }

    private static async Task<ExitCode> StatusAsync(CliContext context)
    {
        var json = AdminJsonContext.Default;
        var status = await context.Client.GetAsync(AdminRoutes.PolicyStatus, json.PolicyStatus, context.Cancel).ConfigureAwait(false);
        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(status, json.PolicyStatus));
            return ExitCode.Ok;
        }

        // The digest's head tells two versions under one number apart (a replay, a write the farm did not keep).
        Table.Write(context.Out, status.Members.Select(m => (IReadOnlyList<string>)[m.Member, $"version {m.Version}", DigestHead(m.Digest)]));
        context.Out.WriteLine($"{(status.Converged ? "converged" : "NOT converged")} on version {status.Latest} ({status.Replication})");
        return status.Converged ? ExitCode.Ok : ExitCode.Failed;
    }

    private static string DigestHead(string? digest) => digest is { Length: >= 12 } ? digest[..12] : string.Empty;

    /// <summary>Runs without a member: the hash is made here so the password never crosses the network.</summary>
    public static ExitCode HashPassword(TextReader input, TextWriter output, TextWriter error, string? user)
    {
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
    private static async Task<long> ExpectedAsync(CliContext context, long? expect)
    {
        if (expect is { } given)
        {
            return given;
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
