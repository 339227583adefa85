using Microsoft.AspNetCore.Routing;

namespace Farm.Shared.Telemetry;

/// <summary>
/// Extra routes on the telemetry endpoint beside <c>/metrics</c> and <c>/healthz</c>, such as the
/// lighthouse's Prometheus service discovery; registered in DI by the subsystem that owns them.
/// </summary>
public interface ITelemetryRoutes
{
    void Map(IEndpointRouteBuilder endpoints);
}
