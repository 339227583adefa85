using System.Net;
using System.Text;
using Farm.Shared.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Farm.Shared.Telemetry;

/// <summary>
/// A small Kestrel server of its own for <c>/metrics</c> and <c>/healthz</c>, apart from the SOCKS
/// listeners and the admin port, so scrapes and probes never share a port with traffic. The
/// members are generic hosts, not web applications: this server gets the member's meter
/// provider, readiness checks and logging passed in.
/// </summary>
public sealed class TelemetryServer(
    IOptions<TelemetryOptions> options,
    MeterProvider meterProvider,
    IEnumerable<IReadinessCheck> readiness,
    IEnumerable<ITelemetryRoutes> routes,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The bound endpoint once started (port 0 resolved).</summary>
    public IPEndPoint? Endpoint { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var listen = ParseListen(options.Value.Listen);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(listen));
        var app = builder.Build();
        app.Use(new TelemetryGuard(options.Value.AllowedHosts).InvokeAsync);
        app.UseRouting();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null!, path: "/metrics", configureBranchedPipeline: null!, optionsName: null!);
        app.MapGet("/healthz/live", () => Results.Text("live\n"));
        app.MapGet("/healthz/ready", Ready);
        foreach (var route in routes)
        {
            route.Map(app);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var uri = new Uri(app.Urls.First());
        Endpoint = new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IResult Ready()
    {
        var failures = new StringBuilder();
        foreach (var check in readiness)
        {
            if (!check.IsReady(out var reason))
            {
                failures.Append(check.Name).Append(": ").Append(reason).Append('\n');
            }
        }

        return failures.Length == 0
            ? Results.Text("ready\n")
            : Results.Text(failures.ToString(), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static IPEndPoint ParseListen(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new InvalidOperationException($"{TelemetryOptions.Section}:Listen: '{text}' is not address:port (IPv6 as [::1]:9464)");
}
