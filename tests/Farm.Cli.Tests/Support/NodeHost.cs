using System.Net;
using Akka.Actor;
using Farm.Admin;
using Farm.Node.Hosting;
using Farm.Node.Listening;
using Farm.Node.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Farm.Cli.Tests.Support;

/// <summary>
/// A real node in the test process, wired by the executable's own <see cref="NodeHosting.AddFarmNode"/>,
/// with its SOCKS listener and admin endpoint on free loopback ports.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly DirectoryInfo _directory;

    private NodeHost(IHost host, DirectoryInfo directory)
    {
        _host = host;
        _directory = directory;
        Socks = host.Services.GetRequiredService<SocksListenerSockets>().Endpoints[0];
        Admin = host.Services.GetRequiredService<AdminServer>().Endpoint!.ToString();
    }

    public IPEndPoint Socks { get; }

    public string Admin { get; }

    /// <summary>This node's own cluster address (<c>akka.tcp://farm@127.0.0.1:port</c>): a standalone node is a one-member farm.</summary>
    public string ClusterAddress =>
        Akka.Cluster.Cluster.Get(_host.Services.GetRequiredService<Farm.Shared.Cluster.IClusterSystem>().Current ?? throw new InvalidOperationException("the node has no cluster incarnation")).SelfAddress.ToString();

    public string SessionLogPath => Path.Combine(_directory.FullName, "sessions.jsonl");

    public static async Task<NodeHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var directory = Directory.CreateTempSubdirectory("farm-cli-test-");
        var configuration = new Dictionary<string, string?>
        {
            ["Farm:Socks:Listeners:0"] = "127.0.0.1:0",
            ["Farm:SessionLog:Path"] = Path.Combine(directory.FullName, "sessions.jsonl"),
            ["Farm:SessionLog:NodeName"] = "cli-test-node",
            ["Farm:Policy:AllowLoopbackDestinations"] = "true",
            // Every default port (admin 9110, telemetry 9464, remoting 4054) and the default data directory
            // are shared by every node on the machine: a test node gets its own, so tests and farms run side by side.
            ["Farm:Admin:Listen"] = "127.0.0.1:0",
            ["Farm:Telemetry:Listen"] = "127.0.0.1:0",
            ["Farm:Cluster:Port"] = "0",
            ["Farm:Cluster:DataDirectory"] = Path.Combine(directory.FullName, "ddata"),
        };
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

            // A write replaces the version the node enforces: until the seed (version 1) is in force, an
            // apply would replace version 0 and lose to the seed with a conflict.
            var holder = host.Services.GetRequiredService<PolicyHolder>();
            await Eventually.UntilAsync(() => Task.FromResult(holder.Current.Version), v => v >= 1, TimeSpan.FromSeconds(20));
        }
        catch
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
            host.Dispose();
            directory.Delete(recursive: true);
            throw;
        }

        return new NodeHost(host, directory);
    }

    /// <summary>Session records written so far, as raw JSON lines.</summary>
    public async Task<string[]> RecordsAsync(int atLeast)
    {
        return await Eventually.UntilAsync(
            async () => File.Exists(SessionLogPath) ? (await ReadSharedAsync(SessionLogPath)).Split('\n', StringSplitOptions.RemoveEmptyEntries) : [],
            lines => lines.Length >= atLeast,
            TimeSpan.FromSeconds(15));
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

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
