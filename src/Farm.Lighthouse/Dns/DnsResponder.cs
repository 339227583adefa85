using System.Net;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Farm.Lighthouse.Dns;

/// <summary>Serves <see cref="FarmZone"/> over UDP and TCP on every configured endpoint, from the current <see cref="FarmDirectory"/>.</summary>
public sealed class DnsResponder(
    IOptions<DnsOptions> options,
    FarmZone zone,
    FarmDirectory directory,
    DnsQueryCounters counters,
    ResponseRateLimiter limiter,
    TcpConnectionGate tcpGate,
    ILogger<DnsResponder> logger) : IHostedService
{
    private const int TransportTimeoutMs = 5000;

    private DnsServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            DnsLog.Disabled(logger);
            return Task.CompletedTask;
        }

        var endpoints = settings.EffectiveListen.Select(IPEndPoint.Parse).ToArray();
        IServerTransport[] transports =
        [
            .. endpoints.SelectMany(endpoint => new IServerTransport[]
            {
                new UdpDatagramTransport(endpoint, TransportTimeoutMs, counters, limiter),
                new TcpStreamTransport(endpoint, settings.Tcp, TransportTimeoutMs, tcpGate, counters),
            }),
        ];

        var server = new DnsServer(transports);
        server.QueryReceived += OnQueryReceived;
        server.ExceptionThrown += OnExceptionThrown;
        try
        {
            server.Start();
        }
        catch
        {
            foreach (var transport in transports)
            {
                transport.Dispose();
            }

            throw;
        }

        _server = server;
        foreach (var endpoint in endpoints)
        {
            DnsLog.Listening(logger, settings.Domain, endpoint);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            server.Stop();
            server.QueryReceived -= OnQueryReceived;
            server.ExceptionThrown -= OnExceptionThrown;
            DnsLog.Stopped(logger);
        }

        return Task.CompletedTask;
    }

    private Task OnQueryReceived(object sender, QueryReceivedEventArgs args)
    {
        var response = zone.Respond(args.Query, directory.Current);
        args.Response = response;
        counters.RecordAnswer(response.ReturnCode);
        return Task.CompletedTask;
    }

    private Task OnExceptionThrown(object sender, ExceptionEventArgs args)
    {
        counters.RecordFailure();
        DnsLog.NotAnswered(logger, args.Exception);
        return Task.CompletedTask;
    }
}
