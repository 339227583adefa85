using Akka.Actor;
using Akka.Hosting;
using Farm.Admin;
using Farm.Node.Draining;
using Farm.Node.Logging;
using Farm.Node.Sessions;
using Farm.Shared.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Admin;

/// <summary>The node's own admin routes: drain and sessions (the policy palette is <see cref="Farm.Admin.Policy.PolicyAdminEndpoints"/>).</summary>
public sealed class NodeAdminEndpoints(IServiceProvider services) : IAdminEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(AdminRoutes.Drain, async (HttpRequest request) =>
            AdminHttp.Ok(await Drainer.StatusAsync(request.HttpContext.RequestAborted).ConfigureAwait(false), AdminJsonContext.Default.DrainStatus));
        routes.MapPost(AdminRoutes.Drain, (HttpRequest request) => DrainAsync(request.HttpContext));
        routes.MapPost(AdminRoutes.Undrain, async (HttpRequest request) =>
            AdminHttp.Ok(await Drainer.UndrainAsync(request.HttpContext.RequestAborted).ConfigureAwait(false), AdminJsonContext.Default.DrainStatus));
        routes.MapGet(AdminRoutes.Sessions, (HttpRequest request) => ListAsync(request));
        routes.MapPost(AdminRoutes.SessionKill, (HttpRequest request, long id) => KillAsync(id, request.HttpContext.RequestAborted));
    }

    private NodeDrainer Drainer => services.GetRequiredService<NodeDrainer>();

    private async Task<IResult> DrainAsync(HttpContext http)
    {
        var request = await AdminHttp.ReadAsync(http, AdminJsonContext.Default.DrainRequest).ConfigureAwait(false);
        if (request?.DeadlineSeconds is < 0)
        {
            return AdminHttp.Error(StatusCodes.Status400BadRequest, "the drain deadline cannot be negative");
        }

        var deadline = request?.DeadlineSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var status = await Drainer.DrainAsync(deadline, http.RequestAborted).ConfigureAwait(false);
        return AdminHttp.Ok(status, AdminJsonContext.Default.DrainStatus);
    }

    private async Task<IResult> ListAsync(HttpRequest request)
    {
        var sessions = await services.GetRequiredService<IRequiredActor<SessionsActor>>().GetAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        var open = await sessions.Ask<OpenSessions>(GetSessions.Instance, AskTimeout, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var user = request.Query["user"].ToString();
        var client = request.Query["client"].ToString();
        var destination = request.Query["dest"].ToString();
        var list = open.Sessions.Where(s =>
            (user.Length == 0 || s.User == user)
            && (client.Length == 0 || s.Client.Contains(client, StringComparison.OrdinalIgnoreCase))
            && (destination.Length == 0 || (s.Destination?.Contains(destination, StringComparison.OrdinalIgnoreCase) ?? false)
                || (s.Resolved?.Contains(destination, StringComparison.OrdinalIgnoreCase) ?? false)));
        var node = services.GetRequiredService<SessionLog>().NodeName;
        return AdminHttp.Ok(new SessionList(node, [.. list]), AdminJsonContext.Default.SessionList);
    }

    private async Task<IResult> KillAsync(long id, CancellationToken cancel)
    {
        var sessions = await services.GetRequiredService<IRequiredActor<SessionsActor>>().GetAsync(cancel).ConfigureAwait(false);
        var killed = await sessions.Ask<SessionKilled>(new KillSession(id), AskTimeout, cancel).ConfigureAwait(false);
        return killed.Found
            ? AdminHttp.Ok(new SessionKillResult(id, true), AdminJsonContext.Default.SessionKillResult)
            : AdminHttp.Error(StatusCodes.Status404NotFound, $"no open session {id} on this node");
    }
}
