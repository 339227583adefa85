using System.Diagnostics;
using System.Net;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.EndToEnd;

/// <summary>The handshake deadline, the idle timeout and the session cap, each on a real node.</summary>
public sealed class LimitsTests : IAsyncLifetime
{
    private LoopbackEchoServer _echo = null!;
    private LoopbackHttpServer _http = null!;

    public Task InitializeAsync()
    {
        _echo = new LoopbackEchoServer();
        _http = new LoopbackHttpServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _http.DisposeAsync();
        await _echo.DisposeAsync();
    }

    [Fact]
    public async Task StalledClients_AThousandSendingOneByte_GoodClientServedAndStalledClosedAtDeadline()
    {
        var deadline = TimeSpan.FromSeconds(4);
        await using var node = await FarmNodeHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Farm:Socks:HandshakeTimeout"] = deadline.ToString(),
            // All from one address: the per-source caps (DescriptorLimitTests) are not what is tested here.
            ["Farm:Socks:MaxSessionsPerSource"] = "2000",
            ["Farm:Socks:MaxPendingHandshakesPerSource"] = "2000",
        });
        var stalled = new List<RawClient>();
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                var client = await RawClient.ConnectAsync(node.Endpoint);
                stalled.Add(client);
                await client.SendAsync(0x05);
            }

            var clock = Stopwatch.StartNew();
            var download = await Curl.GetAsync(_http.Url(50_000), "--socks5", node.ProxyAddress);
            Assert.True(download.ExitCode == 0, download.Error);
            Assert.True(clock.Elapsed < deadline, $"good client took {clock.Elapsed}");

            var closes = await Task.WhenAll(stalled.Select(c => c.ReceiveUntilClosedAsync(deadline + TimeSpan.FromSeconds(10))));
            Assert.All(closes, Assert.Empty);
            // One source's refusal records are limited per second: each timeout is recorded or counted in a summary.
            var clockRecords = Stopwatch.StartNew();
            int timeouts, summarised;
            do
            {
                var records = await node.SessionRecordsAsync(0);
                timeouts = records.Count(r => r.GetProperty("outcome").GetString() == "timeout");
                summarised = records.Where(r => r.GetProperty("outcome").GetString() == "refusals-summarised").Sum(r => r.GetProperty("suppressed").GetInt32());
                await Task.Delay(100);
            }
            while (timeouts + summarised < 1000 && clockRecords.Elapsed < TimeSpan.FromSeconds(15));

            Assert.Equal(1000, timeouts + summarised);
            Assert.InRange(timeouts, 1, 100);
        }
        finally
        {
            stalled.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task HandshakeDeadline_SilentClient_ClosedAfterDeadline()
    {
        await using var node = await FarmNodeHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Farm:Socks:HandshakeTimeout"] = "00:00:01",
        });
        using var client = await RawClient.ConnectAsync(node.Endpoint);
        var clock = Stopwatch.StartNew();

        Assert.Empty(await client.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(10)));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(8));
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal("timeout", record.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task IdleTimeout_SessionWithoutTraffic_ClosedAndRecorded()
    {
        await using var node = await FarmNodeHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Farm:Socks:IdleTimeout"] = "00:00:01",
        });
        using var client = await ConnectToEchoAsync(node);
        await client.SendAsync("still here"u8.ToArray());
        Assert.Equal("still here"u8.ToArray(), await client.ReceiveExactlyAsync(10));
        var clock = Stopwatch.StartNew();

        await client.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(8));
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal("idle-timeout", record.GetProperty("outcome").GetString());
        Assert.Equal(10, record.GetProperty("bytes_up").GetInt64());
    }

    [Fact]
    public async Task SessionCap_ClientBeyondCap_ClosedAtOnceOthersKeepWorking()
    {
        await using var node = await FarmNodeHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Farm:Socks:MaxSessions"] = "2",
            ["Farm:Socks:MaxSessionsPerSource"] = "10",
        });
        using var first = await ConnectToEchoAsync(node);
        using var second = await ConnectToEchoAsync(node);

        Assert.Empty(await RawClient.ReceiveFromNewConnectionAsync(node.Endpoint, IPAddress.Loopback, TimeSpan.FromSeconds(5)));

        await first.SendAsync("a"u8.ToArray());
        Assert.Equal("a"u8.ToArray(), await first.ReceiveExactlyAsync(1));
        var records = await node.SessionRecordsAsync(1);
        Assert.Equal("session-cap", Assert.Single(records).GetProperty("outcome").GetString());
    }

    private async Task<RawClient> ConnectToEchoAsync(FarmNodeHost node)
    {
        var client = await RawClient.ConnectAsync(node.Endpoint);
        var port = (ushort)_echo.Endpoint.Port;
        await client.SendAsync(0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await client.ReceiveExactlyAsync(2));
        Assert.Equal(0x00, (await client.ReceiveExactlyAsync(10))[1]);
        return client;
    }
}
