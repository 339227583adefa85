using System.Net;
using System.Net.Sockets;
using Farm.Lighthouse.Probing;

namespace Farm.Lighthouse.Tests.Probing;

/// <summary>The probe against real loopback sockets: what it sends and how it judges each kind of answer.</summary>
public sealed class SocksListenerProbeTests
{
    // Only the test of a silent listener waits the timeout out; the others answer, so a generous timeout keeps a
    // loaded machine (thread pool still warming up on the first case) from reading as a dead node.
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(new byte[] { 5, 0 }, ProbeOutcome.Answered)]
    [InlineData(new byte[] { 5, 2 }, ProbeOutcome.Answered)]
    [InlineData(new byte[] { 5, 0xFF }, ProbeOutcome.Answered)]
    [InlineData(new byte[] { 4, 0 }, ProbeOutcome.NotSocks)]
    [InlineData(new byte[] { (byte)'H', (byte)'T' }, ProbeOutcome.NotSocks)]
    public async Task Reply_IsJudged_AfterTheGreetingOffersNoAuthAndUsername(byte[] reply, ProbeOutcome expected)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptSocketAsync();
            var greeting = new byte[4];
            var read = 0;
            while (read < greeting.Length)
            {
                read += await client.ReceiveAsync(greeting.AsMemory(read), SocketFlags.None);
            }

            await client.SendAsync(reply, SocketFlags.None);
            return greeting;
        });

        var outcome = await SocksListenerProbe.ProbeAsync((IPEndPoint)listener.LocalEndpoint, AnswerTimeout, CancellationToken.None);

        Assert.Equal(expected, outcome);
        Assert.Equal(new byte[] { 5, 2, 0, 2 }, await serve);
        Assert.Equal(expected == ProbeOutcome.Answered, GreetingReply.IsAlive(outcome));
    }

    [Fact]
    public async Task NothingListening_IsRefused_AndDead()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        listener.Stop();

        var outcome = await SocksListenerProbe.ProbeAsync(endpoint, AnswerTimeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Refused, outcome);
        Assert.False(GreetingReply.IsAlive(outcome));
    }

    [Fact]
    public async Task AcceptedButNeverAnswered_TimesOut_AndIsDead()
    {
        // The kernel completes the connect from the backlog; nobody reads: a frozen process.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await SocksListenerProbe.ProbeAsync((IPEndPoint)listener.LocalEndpoint, Timeout, CancellationToken.None);

        Assert.Equal(ProbeOutcome.TimedOut, outcome);
        Assert.False(GreetingReply.IsAlive(outcome));
        Assert.InRange(clock.Elapsed, Timeout - TimeSpan.FromMilliseconds(50), Timeout + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ClosedByTheNodeBeforeAnyReply_IsAlive()
    {
        // A node whose client rules refuse the lighthouse closes without a SOCKS byte: its process is there.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptSocketAsync();
            client.Shutdown(SocketShutdown.Both);
        });

        var outcome = await SocksListenerProbe.ProbeAsync((IPEndPoint)listener.LocalEndpoint, AnswerTimeout, CancellationToken.None);
        await serve;

        Assert.Equal(ProbeOutcome.ClosedByNode, outcome);
        Assert.True(GreetingReply.IsAlive(outcome));
    }
}
