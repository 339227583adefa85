using Farm.Shared.Admin;
using Farm.Shared.Replication.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Farm.Admin.Policy;

/// <summary>The policy palette's routes, the same on every member: show, history, status, test, apply, rollback, reload.</summary>
public sealed class PolicyAdminEndpoints(IServiceProvider services) : IAdminEndpoints
{
    private IPolicyAdmin PolicyAdmin => services.GetRequiredService<IPolicyAdmin>();

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
    }

    private async Task<IResult> TestAsync(HttpContext http)
    {
        var request = await AdminHttp.ReadAsync(http, AdminJsonContext.Default.PolicyTestRequest).ConfigureAwait(false);
        if (request is null || string.IsNullOrEmpty(request.From) || string.IsNullOrEmpty(request.To))
        {
            return AdminHttp.Error(StatusCodes.Status400BadRequest, "policy test needs --from <ip> and --to <host|ip>:<port>");
        }

        try
        {
            return AdminHttp.Ok(await PolicyAdmin.TestAsync(request, http.RequestAborted).ConfigureAwait(false), AdminJsonContext.Default.PolicyTestResult);
        }
        catch (FormatException e)
        {
            return AdminHttp.Error(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private async Task<IResult> ApplyAsync(HttpContext http)
    {
        var request = await AdminHttp.ReadAsync(http, AdminJsonContext.Default.PolicyApplyRequest).ConfigureAwait(false);
        if (request is null || request.Text is null)
        {
            return AdminHttp.Error(StatusCodes.Status400BadRequest, "policy apply needs the policy text");
        }

        OperatorSignature? signed = null;
        if (request.Operator is { } given)
        {
            if (request.Expected is null || request.Author is null || OperatorSignatureOf(given) is not { } read)
            {
                return AdminHttp.Error(StatusCodes.Status400BadRequest, "policy apply: an operator signature needs the author, the expected version and base64 certificate and signature");
            }

            signed = read;
        }

        var result = await PolicyAdmin.ApplyAsync(request.Text, request.Author ?? "farmctl", request.Expected, signed, http.RequestAborted).ConfigureAwait(false);
        return Written(result);
    }

    private static OperatorSignature? OperatorSignatureOf(PolicyWriteSignature given)
    {
        try
        {
            return new OperatorSignature(OperatorSignature.Apply, given.Nonce, Convert.FromBase64String(given.Certificate), Convert.FromBase64String(given.Signature));
        }
        catch (FormatException)
        {
            return null;
        }
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
}
