using System.Net;
using System.Text.Json;
using Farm.Node.Hosting;
using Farm.Node.Listening;
using Farm.Shared.Telemetry;
using Farm.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Farm.Node.Tests.Support;

/// <summary>
/// A real node in the test process, wired by the same <see cref="NodeHosting.AddFarmNode"/> as the
/// executable, listening on a free loopback port and writing its session records to a temp file.
/// </summary>
public sealed class FarmNodeHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly DirectoryInfo _directory;

    private FarmNodeHost(IHost host, DirectoryInfo directory)
    {
        _host = host;
        _directory = directory;
        Endpoint = host.Services.GetRequiredService<SocksListenerSockets>().Endpoints[0];
    }

    public IPEndPoint Endpoint { get; }

    public IServiceProvider Services => _host.Services;

    public string SessionLogPath => Path.Combine(_directory.FullName, "sessions.jsonl");

    public string ProxyAddress => $"{Endpoint.Address}:{Endpoint.Port}";

    public Uri TelemetryUri => new($"http://{_host.Services.GetRequiredService<TelemetryServer>().Endpoint}/");

    /// <param name="policy">Policy text; without it the embedded default with the loopback opt-in.</param>
    public static async Task<FarmNodeHost> StartAsync(string? policy = null, IDictionary<string, string?>? settings = null)
    {
        var directory = Directory.CreateTempSubdirectory("farm-node-test-");
        // The farm's test certificate: a node given seeds joins with mutual TLS; a standalone one does not use it.
        var configuration = new Dictionary<string, string?>(TestCertificates.Settings())
        {
            ["Farm:Socks:Listeners:0"] = "127.0.0.1:0",
            ["Farm:SessionLog:Path"] = Path.Combine(directory.FullName, "sessions.jsonl"),
            ["Farm:SessionLog:NodeName"] = "test-node",
            ["Farm:Admin:Listen"] = "127.0.0.1:0",
            ["Farm:Admin:Token"] = AdminTestToken.Value,
            ["Farm:Cluster:Port"] = "0",
            ["Farm:Cluster:SerializeMessages"] = "true",
            ["Farm:Cluster:DataDirectory"] = Path.Combine(directory.FullName, "ddata"),
            ["Farm:Telemetry:Listen"] = "127.0.0.1:0",
        };
        if (policy is null)
        {
            configuration["Farm:Policy:AllowLoopbackDestinations"] = "true";
        }
        else
        {
            var file = Path.Combine(directory.FullName, "test.policy");
            await File.WriteAllTextAsync(file, policy);
            configuration["Farm:Policy:File"] = file;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddFarmNode();
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            directory.Delete(recursive: true);
            throw;
        }

        return new FarmNodeHost(host, directory);
    }

    /// <summary>Waits until at least <paramref name="count"/> records are written and returns them all.</summary>
    public async Task<IReadOnlyList<JsonElement>> SessionRecordsAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var records = ReadRecords();
            if (records.Count >= count || DateTime.UtcNow > deadline)
            {
                return records;
            }

            await Task.Delay(50);
        }
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
            _directory.Delete(recursive: true);
        }
    }

    private List<JsonElement> ReadRecords()
    {
        if (!File.Exists(SessionLogPath))
        {
            return [];
        }

        using var stream = new FileStream(SessionLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var records = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))
            {
                records.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return records;
    }
}

/// <summary>Reads a running node's actual listener endpoints (port 0 resolved).</summary>
public static class NodeServiceProviderExtensions
{
    public static IReadOnlyList<IPEndPoint> GetListenerEndpoints(this IServiceProvider services) =>
        services.GetRequiredService<SocksListenerSockets>().Endpoints;
}
