using System.Net;
using System.Net.Sockets;
using Farm.Lighthouse.Cluster;
using Farm.Lighthouse.Telemetry;
using Farm.Shared.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Farm.Node.Tests.Support;

/// <summary>A real lighthouse in the test process, wired as its executable wires it, on loopback ports.</summary>
public sealed class LighthouseHost : IAsyncDisposable
{
    private readonly IHost _host;

    private LighthouseHost(IHost host) => _host = host;

    public Uri TelemetryUri => new($"http://{_host.Services.GetRequiredService<TelemetryServer>().Endpoint}/");

    public static async Task<LighthouseHost> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Farm:Telemetry:Listen"] = "127.0.0.1:0",
            ["Farm:Cluster:Hostname"] = "127.0.0.1",
            ["Farm:Cluster:Port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Services.AddLighthouseTelemetry(builder.Configuration);
        builder.Services.AddLighthouse(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new LighthouseHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
        }
    }

    // Akka remoting needs its port before it starts (the seed address names it).
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
