using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Farm.Shared.Admin;
using Farm.Shared.Cluster;
using Farm.Shared.Discovery.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Farm.Admin.Cluster;

/// <summary>pbm's cluster palette over HTTP: show, status, leader, join, leave, down, down-unreachable, tail.</summary>
public sealed class ClusterEndpoints(IServiceProvider services) : IAdminEndpoints
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(AdminRoutes.ClusterMembers, MembersAsync);
        routes.MapGet(AdminRoutes.ClusterStatus, () => WithCluster(Status));
        routes.MapGet(AdminRoutes.ClusterLeader, () => WithCluster(c => AdminHttp.Message(c.State.Leader?.ToString() ?? "no leader")));
        routes.MapPost(AdminRoutes.ClusterJoin, (HttpRequest request) => WithClusterAsync(request.HttpContext, Join));
        routes.MapPost(AdminRoutes.ClusterLeave, (HttpRequest request) => WithClusterAsync(request.HttpContext, Leave));
        routes.MapPost(AdminRoutes.ClusterDown, (HttpRequest request) => WithClusterAsync(request.HttpContext, Down));
        routes.MapPost(AdminRoutes.ClusterDownUnreachable, () => WithCluster(DownUnreachable));
        routes.MapGet(AdminRoutes.ClusterTail, TailAsync);
    }

    private IResult NotClustered() => AdminHttp.Error(StatusCodes.Status503ServiceUnavailable, System is null
        ? "detached: this node is no cluster member until it rejoins the farm"
        : "not clustered: this member's actor system has no cluster provider");

    /// <summary>The cluster's actor system now: a node's changes when it rejoins, and is null while it is detached.</summary>
    private ActorSystem? System => services.GetService(typeof(IClusterSystem)) is IClusterSystem cluster
        ? cluster.Current
        : (ActorSystem?)services.GetService(typeof(ActorSystem));

    private IResult WithCluster(Func<Akka.Cluster.Cluster, IResult> action) =>
        ClusterAccess.TryGet(System, out var cluster) ? action(cluster) : NotClustered();

    private async Task<IResult> WithClusterAsync(HttpContext http, Func<Akka.Cluster.Cluster, string?, IResult> action)
    {
        if (!ClusterAccess.TryGet(System, out var cluster))
        {
            return NotClustered();
        }

        var request = await AdminHttp.ReadAsync(http, AdminJsonContext.Default.ClusterAddressRequest).ConfigureAwait(false);
        return action(cluster, request?.Address);
    }

    private async Task<IResult> MembersAsync(CancellationToken cancel)
    {
        if (!ClusterAccess.TryGet(System, out var cluster))
        {
            return NotClustered();
        }

        var trusted = (TrustedAdvertisements?)services.GetService(typeof(TrustedAdvertisements))
            ?? throw new InvalidOperationException("no TrustedAdvertisements registered: the cluster view must not list unchecked advertisements");
        var adverts = await Advertisements.ReadLocalAsync(cluster.System, trusted, cancel).ConfigureAwait(false);
        return AdminHttp.Ok(ClusterAccess.View(cluster, adverts), AdminJsonContext.Default.ClusterView);
    }

    private static IResult Status(Akka.Cluster.Cluster cluster)
    {
        var self = cluster.SelfMember;
        var reachable = !cluster.State.Unreachable.Contains(self);
        return AdminHttp.Ok(ClusterAccess.ToView(self, reachable), AdminJsonContext.Default.ClusterMember);
    }

    private static IResult Join(Akka.Cluster.Cluster cluster, string? text)
    {
        if (!TryAddress(text, out var address, out var error))
        {
            return error;
        }

        cluster.Join(address);
        return AdminHttp.Message($"joining {address}");
    }

    private static IResult Leave(Akka.Cluster.Cluster cluster, string? text)
    {
        var address = cluster.SelfAddress;
        if (text is not null && !TryMember(cluster, text, out address, out var error))
        {
            return error;
        }

        cluster.Leave(address);
        return AdminHttp.Message($"{address} is leaving the cluster");
    }

    private static IResult Down(Akka.Cluster.Cluster cluster, string? text)
    {
        if (!TryMember(cluster, text, out var address, out var error))
        {
            return error;
        }

        cluster.Down(address);
        return AdminHttp.Message($"{address} is marked down");
    }

    private static IResult DownUnreachable(Akka.Cluster.Cluster cluster)
    {
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToList();
        foreach (var address in unreachable)
        {
            cluster.Down(address);
        }

        return AdminHttp.Message(unreachable.Count == 0
            ? "no unreachable members"
            : "marked down: " + string.Join(", ", unreachable));
    }

    private static bool TryAddress(string? text, out Address address, out IResult error)
    {
        address = Address.AllSystems;
        error = Results.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = AdminHttp.Error(StatusCodes.Status400BadRequest, "an address is required, e.g. akka.tcp://farm@10.0.0.5:4054");
            return false;
        }

        if (!Address.TryParse(text, out var parsed) || parsed.Host is null)
        {
            error = AdminHttp.Error(StatusCodes.Status400BadRequest, $"'{text}' is not a member address (akka.tcp://system@host:port)");
            return false;
        }

        address = parsed;
        return true;
    }

    private static bool TryMember(Akka.Cluster.Cluster cluster, string? text, out Address address, out IResult error)
    {
        if (!TryAddress(text, out address, out error))
        {
            return false;
        }

        var wanted = address;
        var state = cluster.State;
        if (!state.Members.Any(m => m.Address == wanted) && !state.Unreachable.Any(m => m.Address == wanted))
        {
            error = AdminHttp.Error(StatusCodes.Status404NotFound, $"{address} is not a member of this cluster");
            return false;
        }

        return true;
    }

    private async Task TailAsync(HttpContext http)
    {
        if (!ClusterAccess.TryGet(System, out var cluster))
        {
            await NotClustered().ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        var lines = Channel.CreateUnbounded<ClusterEventLine>(new UnboundedChannelOptions { SingleReader = true });
        var tail = cluster.System.ActorOf(ClusterTailActor.Props(cluster, lines.Writer));
        http.Response.ContentType = "application/x-ndjson";
        try
        {
            await http.Response.StartAsync(http.RequestAborted).ConfigureAwait(false);
            await foreach (var line in lines.Reader.ReadAllAsync(http.RequestAborted).ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(http.Response.Body, line, AdminJsonContext.Default.ClusterEventLine, http.RequestAborted).ConfigureAwait(false);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), http.RequestAborted).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The operator pressed Ctrl-C: the stream simply ends.
        }
        finally
        {
            cluster.System.Stop(tail);
        }
    }
}
