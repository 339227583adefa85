using System.Text.Json;
using Farm.Shared.Admin;

namespace Farm.Cli;

/// <summary>pbm's cluster palette with pbm's words and row shape.</summary>
public static class ClusterPalette
{
    public const string Usage = """
        cluster show                      members: address | [roles] | status | unreachable
        cluster status                    the connected member
        cluster leader                    the current leader
        cluster join <address>            make the connected member join that seed
        cluster leave [<address>]         leave gracefully (the connected member by default)
        cluster down <address>            mark a member down
        cluster down-unreachable          mark every unreachable member down
        cluster tail                      stream membership events until Ctrl-C
        """;

    public static async Task<ExitCode> RunAsync(CliContext context, string command, Arguments args)
    {
        var client = context.Client;
        var json = AdminJsonContext.Default;
        switch (command)
        {
            case "show":
                args.Done();
                var view = await client.GetAsync(AdminRoutes.ClusterMembers, json.ClusterView, context.Cancel).ConfigureAwait(false);
                if (context.Json)
                {
                    context.Out.WriteLine(JsonSerializer.Serialize(view, json.ClusterView));
                    return ExitCode.Ok;
                }

                Table.Write(context.Out, view.Members.Select(Row));
                context.Out.WriteLine($"Count: {view.Members.Count} nodes");
                return ExitCode.Ok;
            case "status":
                args.Done();
                var self = await client.GetAsync(AdminRoutes.ClusterStatus, json.ClusterMember, context.Cancel).ConfigureAwait(false);
                if (context.Json)
                {
                    context.Out.WriteLine(JsonSerializer.Serialize(self, json.ClusterMember));
                }
                else
                {
                    Table.Write(context.Out, [Row(self)]);
                }

                return ExitCode.Ok;
            case "leader":
                args.Done();
                return await MessageAsync(context, client.GetAsync(AdminRoutes.ClusterLeader, json.AdminMessage, context.Cancel)).ConfigureAwait(false);
            case "join":
                return await AddressCommandAsync(context, AdminRoutes.ClusterJoin, args.NextRequired("the seed's address (akka.tcp://farm@host:port)"), args).ConfigureAwait(false);
            case "leave":
                return await AddressCommandAsync(context, AdminRoutes.ClusterLeave, args.Next(), args).ConfigureAwait(false);
            case "down":
                return await AddressCommandAsync(context, AdminRoutes.ClusterDown, args.NextRequired("the member's address (akka.tcp://farm@host:port)"), args).ConfigureAwait(false);
            case "down-unreachable":
                args.Done();
                return await MessageAsync(context, client.PostAsync(AdminRoutes.ClusterDownUnreachable, new ClusterAddressRequest(null), json.ClusterAddressRequest, json.AdminMessage, context.Cancel)).ConfigureAwait(false);
            case "tail":
                args.Done();
                return await TailAsync(context).ConfigureAwait(false);
            default:
                throw CliException.Usage($"unknown command 'cluster {command}'\n{Usage}");
        }
    }

    private static string[] Row(ClusterMember member) =>
        [member.Address, $"[{string.Join(", ", member.Roles)}]", member.Status, member.Reachable ? "False" : "True"];

    private static async Task<ExitCode> AddressCommandAsync(CliContext context, string path, string? address, Arguments args)
    {
        args.Done();
        var json = AdminJsonContext.Default;
        return await MessageAsync(context, context.Client.PostAsync(path, new ClusterAddressRequest(address), json.ClusterAddressRequest, json.AdminMessage, context.Cancel)).ConfigureAwait(false);
    }

    internal static async Task<ExitCode> MessageAsync(CliContext context, Task<AdminMessage> call)
    {
        var message = await call.ConfigureAwait(false);
        context.Out.WriteLine(context.Json ? JsonSerializer.Serialize(message, AdminJsonContext.Default.AdminMessage) : message.Message);
        return ExitCode.Ok;
    }

    private static async Task<ExitCode> TailAsync(CliContext context)
    {
        try
        {
            await using var stream = await context.Client.StreamAsync(AdminRoutes.ClusterTail, context.Cancel).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(context.Cancel).ConfigureAwait(false) is { } line)
            {
                if (context.Json)
                {
                    context.Out.WriteLine(line);
                }
                else if (JsonSerializer.Deserialize(line, AdminJsonContext.Default.ClusterEventLine) is { } e)
                {
                    var roles = e.Roles.Count > 0 ? $" [{string.Join(", ", e.Roles)}]" : string.Empty;
                    context.Out.WriteLine($"{e.Time:yyyy-MM-dd HH:mm:ss.fff} {e.Event} {e.Address}{roles}");
                }

                context.Out.Flush();
            }
        }
        catch (OperationCanceledException) when (context.Cancel.IsCancellationRequested)
        {
            // Ctrl-C ends a tail; that is its normal end.
        }
        catch (IOException) when (context.Cancel.IsCancellationRequested)
        {
            // The stream was torn down by the same Ctrl-C.
        }

        return ExitCode.Ok;
    }
}
