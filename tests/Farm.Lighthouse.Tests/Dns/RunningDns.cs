using System.Net;
using System.Net.Sockets;
using Farm.Lighthouse.Dns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Farm.Lighthouse.Tests.Dns;

/// <summary>The lighthouse's DNS, wired by <see cref="DnsHosting.AddFarmDns"/> as Program.cs does, on a free loopback port.</summary>
internal sealed class RunningDns : IAsyncDisposable
{
    private readonly IHost _host;

    private RunningDns(IHost host, IPEndPoint endpoint)
    {
        _host = host;
        Endpoint = endpoint;
    }

    public IPEndPoint Endpoint { get; }

    public FarmDirectory Directory => _host.Services.GetRequiredService<FarmDirectory>();

    public DnsQueryCounters Counters => _host.Services.GetRequiredService<DnsQueryCounters>();

    public TcpConnectionGate TcpGate => _host.Services.GetRequiredService<TcpConnectionGate>();

    public ResponseRateLimiter Limiter => _host.Services.GetRequiredService<ResponseRateLimiter>();

    public static async Task<RunningDns> StartAsync(IDictionary<string, string?>? settings = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = new IPEndPoint(IPAddress.Loopback, FreePort());
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Farm:Dns:Listen:0"] = endpoint.ToString(),
            });
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            builder.Services.AddFarmDns(builder.Configuration);
            var host = builder.Build();
            try
            {
                await host.StartAsync();
                return new RunningDns(host, endpoint);
            }
            catch (SocketException) when (attempt < 5)
            {
                // Another process took the port between probing and binding.
                host.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>A port free for both UDP and TCP on loopback, since the responder binds both.</summary>
    private static int FreePort()
    {
        while (true)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP only: try another.
            }
        }
    }
}
