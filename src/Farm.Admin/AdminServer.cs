using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Farm.Admin.Access;
using Farm.Shared.Admin;
using Farm.Shared.Cluster;
using Farm.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Farm.Admin;

/// <summary>
/// The member's admin HTTP endpoint: its own small Kestrel application inside the member's host,
/// so the member keeps its generic host and the routes resolve the member's own services.
/// </summary>
public sealed partial class AdminServer(
    IOptions<AdminOptions> options,
    IEnumerable<IAdminEndpoints> endpoints,
    ILogger<AdminServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private X509Certificate2? _certificate;

    /// <summary>The bound endpoint (the real port when configured with port 0), once started.</summary>
    public IPEndPoint? Endpoint { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IPEndPoint endpoint;
        try
        {
            endpoint = options.Value.Validate();
        }
        catch (InvalidOperationException e)
        {
            LogRefused(e.Message);
            throw;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        var settings = options.Value;
        var certificate = LoadCertificate(settings);
        _certificate = certificate;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // A chunked body has no length to check up front; Kestrel stops reading it at the limit (413).
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes;
            kestrel.Listen(endpoint, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var token = new AdminTokenCheck();
        var gate = new AdminGate(new BrowserGuard(settings.AllowedHosts, settings.MaxRequestBytes), token);
        app.Use(gate.InvokeAsync);
        foreach (var group in endpoints)
        {
            group.Map(app);
        }

        // A fixed port's token is known before the first request can arrive; port 0 (tests) names its file once bound.
        if (endpoint.Port != 0)
        {
            token.Use(ResolveToken(settings, endpoint));
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Endpoint = address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri)
            ? new IPEndPoint(endpoint.Address, uri.Port)
            : endpoint;
        if (endpoint.Port == 0)
        {
            token.Use(ResolveToken(settings, Endpoint));
        }

        LogListening(certificate is null ? "http" : "https", Endpoint);
    }

    private X509Certificate2? LoadCertificate(AdminOptions settings)
    {
        if (!settings.UsesTls)
        {
            return null;
        }

        if (FileOwnership.PrivateKeyProblem(settings.Key!, $"{AdminOptions.Section}:Key") is { } exposed)
        {
            LogRefused(exposed);
            throw new InvalidOperationException(exposed);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(settings.Certificate!, settings.Key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            var reason = $"{AdminOptions.Section}:Certificate {settings.Certificate} with key {settings.Key} cannot be loaded: {e.Message}";
            LogRefused(reason);
            throw new InvalidOperationException(reason, e);
        }

        // farmctl refuses an expired certificate: say why at start rather than serve one no client accepts.
        if (CertificateDates.Problem(certificate, DateTime.UtcNow) is { } dates)
        {
            certificate.Dispose();
            var reason = $"{AdminOptions.Section}:Certificate {settings.Certificate} {dates}";
            LogRefused(reason);
            throw new InvalidOperationException(reason);
        }

        return certificate;
    }

    /// <summary>The configured token, or the one generated into the state root for this endpoint.</summary>
    private string ResolveToken(AdminOptions settings, IPEndPoint endpoint)
    {
        if (settings.Token is { Length: > 0 } configured)
        {
            LogConfiguredToken();
            return configured;
        }

        var path = AdminTokenFile.PathFor(FarmStateRoot.Path(Environment.GetEnvironmentVariable), endpoint);
        try
        {
            var (token, created) = AdminTokenStore.LoadOrCreate(path);
            LogTokenFile(created ? "generated into" : "read from", path);
            return token;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            var reason = $"{AdminOptions.Section}:Token is not set and the generated token cannot be used: {e.Message}";
            LogRefused(reason);
            throw new InvalidOperationException(reason, e);
        }
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

        _certificate?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "admin endpoint on {Scheme}://{Endpoint} (bearer token required)")]
    private partial void LogListening(string scheme, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "admin token from Farm:Admin:Token")]
    private partial void LogConfiguredToken();

    // The path only: the token itself is never logged.
    [LoggerMessage(Level = LogLevel.Information, Message = "admin token {How} {Path}")]
    private partial void LogTokenFile(string how, string path);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Reason}")]
    private partial void LogRefused(string reason);
}
