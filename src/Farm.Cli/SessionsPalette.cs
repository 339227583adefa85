using System.Globalization;
using System.Text.Json;
using Farm.Shared.Admin;

namespace Farm.Cli;

/// <summary>
/// The sessions palette. Farm-wide listing fans out from farmctl to every node's admin endpoint:
/// it needs no cluster messaging and works the same before and after a node joins the cluster.
/// </summary>
public static class SessionsPalette
{
    public const string Usage = """
        sessions list [--user u] [--client c] [--dest d] [--all-members [--members h:p,h:p]]
                                          open sessions: id | node | client | user | destination | resolved | state | up | down | age
        sessions kill <id>                close that session (on the connected node)
        """;

    public static async Task<ExitCode> RunAsync(CliContext context, string command, Arguments args)
    {
        switch (command)
        {
            case "list":
                var query = Query(("user", args.Option("user")), ("client", args.Option("client")), ("dest", args.Option("dest")));
                var all = args.Flag("all-members");
                var members = args.Option("members") ?? context.Environment("FARMCTL_MEMBERS");
                args.Done();
                if (!all)
                {
                    Print(context, [await context.Client.GetAsync(AdminRoutes.Sessions + query, AdminJsonContext.Default.SessionList, context.Cancel).ConfigureAwait(false)]);
                    return ExitCode.Ok;
                }

                var (lists, failures) = await FanOutAsync(context, members, query).ConfigureAwait(false);
                Print(context, lists);
                if (failures.Count == 0)
                {
                    return ExitCode.Ok;
                }

                // A partial list must not pass for the farm's: a script sees the first failure's code (4 for a refused token, 3 for no answer).
                await context.Error.WriteLineAsync($"farmctl: sessions list --all-members: {failures.Count} member(s) not listed: {string.Join(", ", failures.Select(f => f.Endpoint))}").ConfigureAwait(false);
                return failures[0].Code;
            case "kill":
                var idText = args.NextRequired("the session id");
                args.Done();
                if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    throw CliException.Usage($"sessions kill: '{idText}' is not a session id");
                }

                var killed = await context.Client.PostAsync(AdminRoutes.KillPath(id), new ClusterAddressRequest(null), AdminJsonContext.Default.ClusterAddressRequest, AdminJsonContext.Default.SessionKillResult, context.Cancel).ConfigureAwait(false);
                context.Out.WriteLine(context.Json ? JsonSerializer.Serialize(killed, AdminJsonContext.Default.SessionKillResult) : $"session {killed.Id} killed");
                return ExitCode.Ok;
            default:
                throw CliException.Usage($"unknown command 'sessions {command}'\n{Usage}");
        }
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? string.Empty : "?" + string.Join('&', given);
    }

    /// <summary>
    /// The nodes are the given admin endpoints, or else the cluster's socks members on the connected
    /// member's admin port; a member that does not answer is reported and the others still listed.
    /// The token goes only to members farmctl can verify: ones the operator named, or discovered
    /// ones over HTTPS whose certificate checks out. Anyone can join a cluster view and name an
    /// address, so a discovered plain-HTTP member is refused before anything is sent.
    /// </summary>
    private static async Task<(IReadOnlyList<SessionList> Lists, IReadOnlyList<(string Endpoint, ExitCode Code)> Failures)> FanOutAsync(CliContext context, string? members, string query)
    {
        // Checked before the first request: a public CA's certificate proves only that someone owns a name.
        if (members is null && context.Client.TrustsPublicRoots)
        {
            throw CliException.Usage(
                "sessions list --all-members: --tls without --ca trusts any public certificate authority, which proves nothing about the members in the cluster view: " +
                "give the farm's CA with --ca <farm CA>, or name the members with --members h:p,... (or FARMCTL_MEMBERS).");
        }

        var endpoints = members is not null
            ? members.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : await SocksMembersAsync(context).ConfigureAwait(false);
        var unverified = members is null && !context.Client.VerifiesServer
            ? endpoints.Where(e => e != context.Client.Endpoint).ToList()
            : [];
        if (unverified.Count > 0)
        {
            throw CliException.Usage(
                $"sessions list --all-members: refusing to send the admin token over plain HTTP to members found in the cluster view ({string.Join(", ", unverified)}): " +
                "nothing proves who answers there. Name the members with --members h:p,... (or FARMCTL_MEMBERS), or use HTTPS (--tls --ca <farm CA>).");
        }
        var answers = await Task.WhenAll(endpoints.Select(async endpoint =>
        {
            try
            {
                using var client = endpoint == context.Client.Endpoint ? null : context.Client.WithEndpoint(endpoint);
                return (endpoint, List: await (client ?? context.Client).GetAsync(AdminRoutes.Sessions + query, AdminJsonContext.Default.SessionList, context.Cancel).ConfigureAwait(false), Code: ExitCode.Ok);
            }
            catch (CliException e)
            {
                await context.Error.WriteLineAsync($"{endpoint}: {e.Message}").ConfigureAwait(false);
                return (endpoint, List: (SessionList?)null, e.Code);
            }
        })).ConfigureAwait(false);
        return ([.. answers.Select(a => a.List).OfType<SessionList>()], [.. answers.Where(a => a.List is null).Select(a => (a.endpoint, a.Code))]);
    }

    private static async Task<List<string>> SocksMembersAsync(CliContext context)
    {
        var port = context.Client.Endpoint[(context.Client.Endpoint.LastIndexOf(':') + 1)..];
        try
        {
            var view = await context.Client.GetAsync(AdminRoutes.ClusterMembers, AdminJsonContext.Default.ClusterView, context.Cancel).ConfigureAwait(false);
            var hosts = view.Members
                .Where(m => m.Roles.Contains("socks"))
                .Select(m => Uri.TryCreate(m.Address, UriKind.Absolute, out var uri) ? uri.Host : null)
                .OfType<string>()
                .Distinct()
                .Select(host => $"{host}:{port}")
                .ToList();
            return hosts.Count > 0 ? hosts : [context.Client.Endpoint];
        }
        catch (CliException e) when (e.Code == ExitCode.Failed)
        {
            // Not clustered: the connected node is the whole farm.
            return [context.Client.Endpoint];
        }
    }

    private static void Print(CliContext context, IReadOnlyList<SessionList> lists)
    {
        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(lists, AdminJsonContext.Default.IReadOnlyListSessionList));
            return;
        }

        var sessions = lists.SelectMany(l => l.Sessions).ToList();
        Table.Write(context.Out, sessions.Select(s => (IReadOnlyList<string>)
        [
            s.Id.ToString(CultureInfo.InvariantCulture),
            s.Node,
            s.Client,
            s.User ?? "-",
            s.Destination ?? "-",
            s.Resolved ?? "-",
            s.State,
            $"up {s.BytesUp}",
            $"down {s.BytesDown}",
            $"{s.AgeSeconds:0.0}s",
        ]));
        context.Out.WriteLine($"Count: {sessions.Count} sessions on {lists.Count} node{(lists.Count == 1 ? string.Empty : "s")}");
    }
}
