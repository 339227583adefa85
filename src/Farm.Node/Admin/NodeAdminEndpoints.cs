using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using Farm.Admin;
using Farm.Node.Dialing;
using Farm.Node.Draining;
using Farm.Node.Listening;
using Farm.Node.Logging;
using Farm.Node.Policy;
using Farm.Node.Sessions;
using Farm.Shared.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Node.Admin;

/// <summary>The node's own admin routes: policy, drain and sessions.</summary>
public sealed class NodeAdminEndpoints(IServiceProvider services) : IAdminEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(AdminRoutes.Policy, (long? version) => version is not { } wanted
            ? AdminHttp.Ok(PolicyAdmin.Show(), AdminJsonContext.Default.PolicyView)
            : PolicyAdmin.Show(wanted) is { } earlier
                ? AdminHttp.Ok(earlier, AdminJsonContext.Default.PolicyView)
                : AdminHttp.Error(StatusCodes.Status404NotFound, $"version {wanted} is not in this member's policy history"));
        routes.MapPost(AdminRoutes.PolicyTest, (HttpRequest request) => TestAsync(request.HttpContext));
        routes.MapPost(AdminRoutes.PolicyApply, (HttpRequest request) => ApplyAsync(request.HttpContext));
        routes.MapGet(AdminRoutes.PolicyHistory, () => AdminHttp.Ok(PolicyAdmin.History(), AdminJsonContext.Default.IReadOnlyListPolicyHistoryEntry));
        routes.MapPost(AdminRoutes.PolicyRollback, (HttpRequest request) => RollbackAsync(request.HttpContext));
        routes.MapPost(AdminRoutes.PolicyReload, (HttpRequest request) => ReloadAsync(request.HttpContext));
        routes.MapGet(AdminRoutes.PolicyStatus, async (HttpRequest request) =>
            AdminHttp.Ok(await PolicyAdmin.StatusAsync(request.HttpContext.RequestAborted).ConfigureAwait(false), AdminJsonContext.Default.PolicyStatus));
        routes.MapGet(AdminRoutes.Drain, async (HttpRequest request) =>
            AdminHttp.Ok(await Drainer.StatusAsync(request.HttpContext.RequestAborted).ConfigureAwait(false), AdminJsonContext.Default.DrainStatus));
        routes.MapPost(AdminRoutes.Drain, (HttpRequest request) => DrainAsync(request.HttpContext));
        routes.MapPost(AdminRoutes.Undrain, async (HttpRequest request) =>
            AdminHttp.Ok(await Drainer.UndrainAsync(request.HttpContext.RequestAborted).ConfigureAwait(false), AdminJsonContext.Default.DrainStatus));
        routes.MapGet(AdminRoutes.Sessions, (HttpRequest request) => ListAsync(request));
        routes.MapPost(AdminRoutes.SessionKill, (HttpRequest request, long id) => KillAsync(id, request.HttpContext.RequestAborted));
    }

    private IPolicyAdmin PolicyAdmin => services.GetRequiredService<IPolicyAdmin>();

    private NodeDrainer Drainer => services.GetRequiredService<NodeDrainer>();

    private async Task<IResult> TestAsync(HttpContext http)
    {
        var request = await AdminHttp.ReadAsync(http, AdminJsonContext.Default.PolicyTestRequest).ConfigureAwait(false);
        if (request is null || string.IsNullOrEmpty(request.From) || string.IsNullOrEmpty(request.To))
        {
            return AdminHttp.Error(StatusCodes.Status400BadRequest, "policy test needs --from <ip> and --to <host|ip>:<port>");
        }

        var snapshot = services.GetRequiredService<PolicyHolder>().Current;
        var view = PolicyAdmin.Show();
        var listener = services.GetRequiredService<SocksListenerSockets>().Endpoints.FirstOrDefault()?.Address ?? IPAddress.Loopback;
        try
        {
            // A name the node would resolve is resolved here with the node's resolver, so the test decides the same addresses.
            var resolved = PolicyTester.NameToResolve(snapshot.Policy, request, listener) is { } name
                ? await ResolveAsync(services.GetRequiredService<NameResolver>(), name, http.RequestAborted).ConfigureAwait(false)
                : null;
            var result = PolicyTester.Run(snapshot.Policy, snapshot.Version, view.Version == snapshot.Version ? view.Text : string.Empty, request, listener, resolved);
            return AdminHttp.Ok(result, AdminJsonContext.Default.PolicyTestResult);
        }
        catch (FormatException e)
        {
            return AdminHttp.Error(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    /// <summary>The name's addresses as the node's dialer would get them; null when it does not resolve.</summary>
    private static async Task<IPAddress[]?> ResolveAsync(NameResolver resolver, string name, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(ResolveTimeout);
        try
        {
            return await resolver.ResolveAsync(name, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<IResult> ApplyAsync(HttpContext http)
    {
        var request = await AdminHttp.ReadAsync(http, AdminJsonContext.Default.PolicyApplyRequest).ConfigureAwait(false);
        if (request is null || request.Text is null)
        {
            return AdminHttp.Error(StatusCodes.Status400BadRequest, "policy apply needs the policy text");
        }

        var result = await PolicyAdmin.ApplyAsync(request.Text, request.Author ?? "farmctl", request.Expected, http.RequestAborted).ConfigureAwait(false);
        return Written(result);
    }

    private async Task<IResult> ReloadAsync(HttpContext http)
    {
        var request = await AdminHttp.ReadAsync(http, AdminJsonContext.Default.PolicyReloadRequest).ConfigureAwait(false);
        var result = await PolicyAdmin.ReloadAsync(request?.Author ?? "farmctl", request?.Expected, http.RequestAborted).ConfigureAwait(false);
        return Written(result);
    }

    private async Task<IResult> RollbackAsync(HttpContext http)
    {
        var request = await AdminHttp.ReadAsync(http, AdminJsonContext.Default.PolicyRollbackRequest).ConfigureAwait(false);
        var result = await PolicyAdmin.RollbackAsync(request?.Version, request?.Expected, "farmctl", http.RequestAborted).ConfigureAwait(false);
        if (result is null)
        {
            return AdminHttp.Error(
                StatusCodes.Status404NotFound,
                request?.Version is { } v ? $"version {v} is not in the policy history" : "there is no earlier version to roll back to");
        }

        return Written(result);
    }

    /// <summary>200 applied, 409 when another write came first (the operator re-runs), 422 refused (errors in the body).</summary>
    private static IResult Written(PolicyApplyResult result) => result.Conflict is { } conflict
        ? AdminHttp.Error(StatusCodes.Status409Conflict, conflict)
        : Results.Json(result, AdminJsonContext.Default.PolicyApplyResult, statusCode: result.Applied ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);

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
