using System.Net;

namespace Farm.Bench.Servers;

/// <summary>The echo, sink and source servers that every target relays to.</summary>
public sealed class LoopbackServers : IAsyncDisposable
{
    private readonly TcpService _echo;
    private readonly TcpService _sink;
    private readonly TcpService _source;

    /// <summary>Serves on <paramref name="basePort"/> (echo), +1 (sink) and +2 (source), or on free ports when it is 0.</summary>
    public LoopbackServers(IReadOnlyList<IPAddress> addresses, int basePort = 0)
    {
        _echo = new TcpService(addresses, basePort, Handlers.EchoAsync);
        _sink = new TcpService(addresses, basePort == 0 ? 0 : basePort + 1, Handlers.SinkAsync);
        _source = new TcpService(addresses, basePort == 0 ? 0 : basePort + 2, Handlers.SourceAsync);
        Endpoints = new ServerEndpoints(_echo.Endpoints, _sink.Endpoints, _source.Endpoints);
    }

    public ServerEndpoints Endpoints { get; }

    public async ValueTask DisposeAsync()
    {
        await _echo.DisposeAsync();
        await _sink.DisposeAsync();
        await _source.DisposeAsync();
    }
}
