using Farm.Lighthouse.Cluster;
using Farm.Lighthouse.Discovery;
using Farm.Lighthouse.Telemetry;
using Farm.Shared.Telemetry;
using Farm.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Farm.Node.Tests.Support;

/// <summary>A real lighthouse in the test process, wired as its executable wires it, on loopback ports.</summary>
public sealed class LighthouseHost : IAsyncDisposable
{
    private readonly IHost _host;

    private LighthouseHost(IHost host, int port)
    {
        _host = host;
        SeedAddress = $"akka.ssl.tcp://farm@127.0.0.1:{port}";
    }

    /// <summary>The address members list in <c>Farm:Cluster:Seeds</c> to join this lighthouse.</summary>
    public string SeedAddress { get; }

    public Uri TelemetryUri => new($"http://{_host.Services.GetRequiredService<TelemetryServer>().Endpoint}/");

    /// <param name="settings">Extra configuration, e.g. <c>Farm:Policy:File</c> and <c>Farm:Cluster:DataDirectory</c>.</param>
    public static async Task<LighthouseHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var port = TestPorts.Next();
        var configuration = new Dictionary<string, string?>(TestCertificates.Settings())
        {
            ["Farm:Telemetry:Listen"] = "127.0.0.1:0",
            ["Farm:Cluster:Hostname"] = "127.0.0.1",
            ["Farm:Cluster:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddLighthouseTelemetry(builder.Configuration);
        builder.Services.AddLighthouse(builder.Configuration);
        builder.Services.AddLighthouseDiscovery(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new LighthouseHost(host, port);
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
}
