using Microsoft.AspNetCore.Routing;

namespace Farm.Admin;

/// <summary>A group of admin routes a member contributes; each member registers the ones it serves.</summary>
public interface IAdminEndpoints
{
    void Map(IEndpointRouteBuilder routes);
}
