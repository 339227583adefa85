using System.CommandLine;
using System.Text.Json;
using Farm.Cli.CommandLine;
using Farm.Shared.Admin;

namespace Farm.Cli;

/// <summary>pbm's cluster palette with pbm's words and row shape.</summary>
public static class ClusterPalette
{
    public static Command Command(Invocation run)
    {
        var show = new Command("show", "members: address | [roles] | status | unreachable | app-version | self, leader");
        show.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, ShowAsync));
        var status = new Command("status", "the connected member, in the same row shape");
        status.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, StatusAsync));
        var leader = new Command("leader", "the current leader");
        leader.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c =>
            MessageAsync(c, c.Client.GetAsync(AdminRoutes.ClusterLeader, AdminJsonContext.Default.AdminMessage, c.Cancel))));
        var seed = new Argument<string>("address") { Description = "the seed's address (akka.tcp://farm@host:port)" };
        var join = new Command("join", "make the connected member join that seed") { seed };
        join.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c => AddressCommandAsync(c, AdminRoutes.ClusterJoin, parse.GetValue(seed))));
        var leaving = new Argument<string?>("address") { Description = "the member that leaves (the connected member by default)", Arity = ArgumentArity.ZeroOrOne };
        var leave = new Command("leave", "leave gracefully") { leaving };
        leave.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c => AddressCommandAsync(c, AdminRoutes.ClusterLeave, parse.GetValue(leaving))));
        var downed = new Argument<string>("address") { Description = "the member's address (akka.tcp://farm@host:port)" };
        var down = new Command("down", "mark a member down") { downed };
        down.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c => AddressCommandAsync(c, AdminRoutes.ClusterDown, parse.GetValue(downed))));
        var downUnreachable = new Command("down-unreachable", "mark every unreachable member down");
        downUnreachable.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, c => AddressCommandAsync(c, AdminRoutes.ClusterDownUnreachable, null)));
        var tail = new Command("tail", "stream membership events until Ctrl-C");
        tail.SetAction((parse, cancel) => run.WithMemberAsync(parse, cancel, TailAsync));
        return new Command("cluster", "pbm's cluster palette: the farm's members") { show, status, leader, join, leave, down, downUnreachable, tail };
    }

    private static async Task<ExitCode> ShowAsync(CliContext context)
    {
        var json = AdminJsonContext.Default;
        var view = await context.Client.GetAsync(AdminRoutes.ClusterMembers, json.ClusterView, context.Cancel).ConfigureAwait(false);
        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(view, json.ClusterView));
            return ExitCode.Ok;
        }

        Table.Write(context.Out, view.Members.Select(m => Row(m, view.Self, view.Leader)));
        context.Out.WriteLine($"Count: {view.Members.Count} nodes");
        return ExitCode.Ok;
    }

    private static async Task<ExitCode> StatusAsync(CliContext context)
    {
        var json = AdminJsonContext.Default;
        var self = await context.Client.GetAsync(AdminRoutes.ClusterStatus, json.ClusterMember, context.Cancel).ConfigureAwait(false);
        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(self, json.ClusterMember));
            return ExitCode.Ok;
        }

        var leader = await context.Client.GetAsync(AdminRoutes.ClusterLeader, json.AdminMessage, context.Cancel).ConfigureAwait(false);
        Table.Write(context.Out, [Row(self, self.Address, leader.Message)]);
        return ExitCode.Ok;
    }

    /// <summary>pbm's row with its app-version column, and which member is this one and which leads.</summary>
    internal static string[] Row(ClusterMember member, string? self, string? leader)
    {
        var marks = new[] { (member.Address == self, "self"), (member.Address == leader, "leader") }.Where(m => m.Item1).Select(m => m.Item2).ToList();
        return
        [
            member.Address,
            $"[{string.Join(", ", member.Roles)}]",
            member.Status,
            member.Reachable ? "False" : "True",
            member.AppVersion ?? "-",
            marks.Count > 0 ? string.Join(", ", marks) : "-",
        ];
    }

    private static async Task<ExitCode> AddressCommandAsync(CliContext context, string path, string? address)
    {
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
