using System.Net;
using Farm.Bench.Client;
using Farm.Bench.Scenarios;
using Farm.Bench.Servers;

namespace Farm.Bench.Tests;

/// <summary>
/// A few seconds of each scenario, directly and through a minimal relay: the generator must count
/// exactly what the far end counted. Speed is not asserted; that is run.sh's job.
/// </summary>
public sealed class GeneratorSmokeTests : IAsyncLifetime
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private static readonly IReadOnlyList<IPAddress> Addresses = Loopback.Addresses(2);

    private readonly LoopbackServers _servers = new(Addresses);
    private readonly MinimalSocks5Relay _relay = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _servers.DisposeAsync();
        _timeout.Dispose();
    }

    public static TheoryData<bool, bool> ViaProxyAndUpload => new() { { false, true }, { false, false }, { true, true }, { true, false } };

    private Dialer NewDialer(bool viaProxy) =>
        new(viaProxy ? new Target("relay", _relay.Endpoint, null) : Target.Parse(Target.DirectName), Addresses);

    [Theory]
    [MemberData(nameof(ViaProxyAndUpload))]
    public async Task Bulk_OneStream_BytesCountedEqualPeerTotal(bool viaProxy, bool upload)
    {
        var dialer = NewDialer(viaProxy);
        var destination = upload ? _servers.Endpoints.Sink[0] : _servers.Endpoints.Source[0];
        using var socket = await dialer.ConnectAsync(destination, _timeout.Token);

        var count = upload
            ? await BulkScenario.UploadAsync(socket, Short, _timeout.Token)
            : await BulkScenario.DownloadAsync(socket, Short, _timeout.Token);

        Assert.True(count.Counted > 0);
        Assert.Equal(count.Confirmed, count.Counted);
        Assert.Equal(0, count.Counted % Frames.PayloadBytes);
    }

    [Fact]
    public async Task Bulk_SixteenStreamsViaProxy_ReportsBytesOverTime()
    {
        var metrics = await BulkScenario.RunAsync(NewDialer(viaProxy: true), _servers.Endpoints.Sink, 16, upload: true, Short, _timeout.Token);

        Assert.Equal(16, metrics["streams"]);
        Assert.True(metrics["bytes"] >= 16 * Frames.PayloadBytes);
        Assert.Equal(metrics["bytes"] / metrics["seconds"] / 1e6, metrics["mb_per_s"], 6);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConnectRate_HealthyTarget_CountsConnectionsWithoutFailures(bool viaProxy)
    {
        var metrics = await ConnectRateScenario.RunAsync(NewDialer(viaProxy), _servers.Endpoints.Echo, 8, Short, _timeout.Token);

        Assert.True(metrics["connections"] > 0);
        Assert.Equal(0, metrics["failures"]);
        Assert.True(metrics["hs_p50_ms"] <= metrics["hs_p99_ms"]);
    }

    [Fact]
    public async Task ConnectRate_NothingListening_CountsFailures()
    {
        var closed = new IPEndPoint(IPAddress.Loopback, 1);

        var metrics = await ConnectRateScenario.RunAsync(NewDialer(viaProxy: false), [closed], 2, Short, _timeout.Token);

        Assert.Equal(0, metrics["connections"]);
        Assert.True(metrics["failures"] > 0);
    }

    [Fact]
    public async Task PingPong_ViaProxy_EveryExchangeTimed()
    {
        var metrics = await PingPongScenario.RunAsync(NewDialer(viaProxy: true), _servers.Endpoints.Echo, 4, 64, Short, _timeout.Token);

        Assert.True(metrics["exchanges"] > 0);
        Assert.Equal(0, metrics["samples_dropped"]);
        Assert.True(metrics["rtt_p50_us"] <= metrics["rtt_p99_us"] && metrics["rtt_p99_us"] <= metrics["rtt_p999_us"]);
    }

    [Fact]
    public async Task Idle_ViaProxy_EverySessionOpenedAndUsable()
    {
        var metrics = await IdleScenario.RunAsync(NewDialer(viaProxy: true), _servers.Endpoints.Echo, 200, TimeSpan.Zero, default, default, _timeout.Token);

        Assert.Equal(200, metrics["opened"]);
        Assert.Equal(200, metrics["usable"]);
    }
}
