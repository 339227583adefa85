using System.Net.Sockets;
using Farm.Node.Relaying;
using Farm.Node.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Farm.Node.Tests.Relaying;

public sealed class RelayTests : IAsyncLifetime
{
    private static readonly RelaySettings Settings = new(16 * 1024, TimeSpan.FromMinutes(5), TimeProvider.System);
    private Socket _clientApp = null!;
    private Socket _clientNode = null!;
    private Socket _upstreamNode = null!;
    private Socket _upstreamApp = null!;

    public async Task InitializeAsync()
    {
        (_clientNode, _clientApp) = await SocketPair.CreateAsync();
        (_upstreamApp, _upstreamNode) = await SocketPair.CreateAsync();
    }

    public Task DisposeAsync()
    {
        foreach (var socket in new[] { _clientApp, _clientNode, _upstreamNode, _upstreamApp })
        {
            socket.Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task RunAsync_HalfCloseEachWay_PropagatedAndCompletedWithCounts()
    {
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, null, Settings, new RelayCounters(), CancellationToken.None);
        var upload = TestContent.Bytes(300_000);
        var download = TestContent.Bytes(70_000);

        await _clientApp.SendAsync(upload, SocketFlags.None);
        _clientApp.Shutdown(SocketShutdown.Send);
        Assert.Equal(upload, await ReadToEndAsync(_upstreamApp));

        // The client's half-close reached upstream, yet upstream can still answer.
        await _upstreamApp.SendAsync(download, SocketFlags.None);
        _upstreamApp.Shutdown(SocketShutdown.Send);
        Assert.Equal(download, await ReadToEndAsync(_clientApp));

        var result = await relay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new RelayResult(RelayOutcome.Completed, upload.Length, download.Length), result);
    }

    [Fact]
    public async Task RunAsync_UpstreamResets_UpstreamErrorReported()
    {
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, null, Settings, new RelayCounters(), CancellationToken.None);
        await _clientApp.SendAsync("hello"u8.ToArray(), SocketFlags.None);
        Assert.Equal("hello"u8.ToArray(), await ReadExactlyAsync(_upstreamApp, 5));

        _upstreamApp.LingerState = new LingerOption(true, 0);
        _upstreamApp.Close();

        var result = await relay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RelayOutcome.UpstreamError, result.Outcome);
        Assert.Equal(5, result.BytesUp);
    }

    [Fact]
    public async Task RunAsync_ClientResets_ClientErrorReported()
    {
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, null, Settings, new RelayCounters(), CancellationToken.None);

        _clientApp.LingerState = new LingerOption(true, 0);
        _clientApp.Close();

        var result = await relay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RelayOutcome.ClientError, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_Killed_KilledReported()
    {
        using var kill = new CancellationTokenSource();
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, null, Settings, new RelayCounters(), kill.Token);

        kill.Cancel();

        Assert.Equal(RelayOutcome.Killed, (await relay.WaitAsync(TimeSpan.FromSeconds(10))).Outcome);
    }

    [Fact]
    public async Task RunAsync_NoTrafficPastIdleTimeout_IdleTimeoutReported()
    {
        var time = new FakeTimeProvider();
        var settings = Settings with { IdleTimeout = TimeSpan.FromSeconds(30), Time = time };
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, null, settings, new RelayCounters(), CancellationToken.None);

        await _clientApp.SendAsync("x"u8.ToArray(), SocketFlags.None);
        Assert.Equal("x"u8.ToArray(), await ReadExactlyAsync(_upstreamApp, 1));
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(relay.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(RelayOutcome.IdleTimeout, (await relay.WaitAsync(TimeSpan.FromSeconds(10))).Outcome);
    }

    [Fact]
    public async Task RunAsync_TrafficKeepsTouchingDeadline_NotTimedOut()
    {
        var time = new FakeTimeProvider();
        var settings = Settings with { IdleTimeout = TimeSpan.FromSeconds(30), Time = time };
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, null, settings, new RelayCounters(), CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(20));
            await _clientApp.SendAsync("y"u8.ToArray(), SocketFlags.None);
            Assert.Equal("y"u8.ToArray(), await ReadExactlyAsync(_upstreamApp, 1));
        }

        Assert.False(relay.IsCompleted);
        _clientApp.Shutdown(SocketShutdown.Send);
        _upstreamApp.Shutdown(SocketShutdown.Send);
        Assert.Equal(RelayOutcome.Completed, (await relay.WaitAsync(TimeSpan.FromSeconds(10))).Outcome);
    }

    [Fact]
    public async Task RunAsync_BandwidthLimited_RelaysOnlyWhatTheClockAllowsEachWay()
    {
        // 10 000 B/s: a 4 096-byte burst, then waits for 2 048 bytes (204.8 ms) at a time.
        var time = new FakeTimeProvider();
        var settings = Settings with { Time = time, BytesPerSecond = 10_000 };
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, null, settings, new RelayCounters(), CancellationToken.None);

        await _clientApp.SendAsync(TestContent.Bytes(20_000), SocketFlags.None);
        await _upstreamApp.SendAsync(TestContent.Bytes(20_000), SocketFlags.None);
        Assert.Equal(4_096, await ReadAvailableAsync(_upstreamApp));
        Assert.Equal(4_096, await ReadAvailableAsync(_clientApp));

        time.Advance(TimeSpan.FromMilliseconds(204.8));
        Assert.Equal(2_048, await ReadAvailableAsync(_upstreamApp));
        Assert.Equal(2_048, await ReadAvailableAsync(_clientApp));
        Assert.False(relay.IsCompleted);
    }

    [Fact]
    public async Task RunAsync_KilledWhileWaitingForBandwidth_KilledWithoutTimePassing()
    {
        var time = new FakeTimeProvider();
        var settings = Settings with { Time = time, BytesPerSecond = 1_000 };
        using var kill = new CancellationTokenSource();
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, null, settings, new RelayCounters(), kill.Token);
        await _clientApp.SendAsync(TestContent.Bytes(5_000), SocketFlags.None);
        Assert.Equal(1_000, await ReadAvailableAsync(_upstreamApp));

        kill.Cancel();

        Assert.Equal(RelayOutcome.Killed, (await relay.WaitAsync(TimeSpan.FromSeconds(10))).Outcome);
    }

    [Fact]
    public async Task RunAsync_PendingBytesBeyondBurst_ChargedBeforeMoreIsRead()
    {
        var time = new FakeTimeProvider();
        var settings = Settings with { Time = time, BytesPerSecond = 1_000 };
        var relay = Relay.RunAsync(_clientNode, _upstreamNode, TestContent.Bytes(3_000), settings, new RelayCounters(), CancellationToken.None);
        Assert.Equal(3_000, await ReadAvailableAsync(_upstreamApp));
        await _clientApp.SendAsync(TestContent.Bytes(5_000), SocketFlags.None);

        // The pipelined bytes overdrew a 1 000-byte bucket by 2 000: nothing more until that is paid.
        Assert.Equal(0, await ReadAvailableAsync(_upstreamApp));
        time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(500, await ReadAvailableAsync(_upstreamApp));
        Assert.False(relay.IsCompleted);
    }

    /// <summary>Everything that arrives until nothing more has for a while (real time: the relay's clock is fake).</summary>
    private static async Task<int> ReadAvailableAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        var total = 0;
        while (true)
        {
            using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, quiet.Token);
                if (read == 0)
                {
                    return total;
                }

                total += read;
            }
            catch (OperationCanceledException)
            {
                return total;
            }
        }
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            Assert.NotEqual(0, read);
            filled += read;
        }

        return buffer;
    }
}
