using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Tests.Support;

namespace Farm.Node.Tests.Protocol;

/// <summary>A UDP association's idle timeout counts only its client's and its remotes' datagrams (outsider review att16c, finding 5).</summary>
public sealed class UdpIdleTimeoutTests
{
    private const string NodeAddress = "127.0.0.7";

    [Fact]
    public async Task StrangerSendingToTheRelayEveryHalfSecond_DoesNotKeepTheAssociationPastItsIdleTimeout()
    {
        await using var node = await FarmNodeHost.StartAsync(
            """
            client pass from 127.0.0.0/8
            pass udp to 127.0.0.1 port 9 name udp-discard
            limit idle-timeout 3s
            """,
            new Dictionary<string, string?> { ["Farm:Socks:Listeners:0"] = $"{NodeAddress}:0" });
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
        using var control = await RawClient.ConnectAsync(node.Endpoint);
        await control.SendAsync(0x05, 0x01, 0x00, 0x05, 0x03, 0x00, 0x01, 127, 0, 0, 1, (byte)(port >> 8), (byte)port);
        Assert.Equal(new byte[] { 0x05, 0x00 }, await control.ReceiveExactlyAsync(2));
        var reply = await control.ReceiveExactlyAsync(10);
        Assert.Equal(0x00, reply[1]);
        var relay = new IPEndPoint(new IPAddress(reply.AsSpan(4, 4)), (reply[8] << 8) | reply[9]);
        var clock = Stopwatch.StartNew();

        // A stranger on another loopback address sends junk to the relay port every 0.5 s, at most 40 times (20 s).
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.9"), 0));
        using var stop = new CancellationTokenSource();
        var junk = Task.Run(async () =>
        {
            for (var i = 0; i < 40 && !stop.IsCancellationRequested; i++)
            {
                await stranger.SendToAsync("junk"u8.ToArray(), SocketFlags.None, relay);
                await Task.Delay(500, CancellationToken.None);
            }
        });

        try
        {
            await control.ReceiveUntilClosedAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            await stop.CancelAsync();
            await junk;
        }

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(12));
        var record = Assert.Single(await node.SessionRecordsAsync(1));
        Assert.Equal("idle-timeout", record.GetProperty("outcome").GetString());
        Assert.True(record.GetProperty("datagrams_dropped").GetInt64() >= 4);
    }
}
