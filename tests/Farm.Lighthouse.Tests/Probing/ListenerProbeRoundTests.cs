using System.Net;
using System.Net.Sockets;
using Farm.Lighthouse.Dns;
using Farm.Lighthouse.Probing;

namespace Farm.Lighthouse.Tests.Probing;

/// <summary>
/// Outsider review of issue 17, finding 6: two members advertising the same name (a copied
/// configuration, or a member lying) must not stop the lighthouse's probing. A round is keyed by
/// member, so each is judged on its own listeners.
/// </summary>
public sealed class ListenerProbeRoundTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TwoMembersWithOneName_AreEachProbed_ByTheirOwnListeners()
    {
        using var live = new TcpListener(IPAddress.Loopback, 0);
        live.Start();
        var serve = Task.Run(async () =>
        {
            using var client = await live.AcceptSocketAsync();
            var greeting = new byte[4];
            var read = 0;
            while (read < greeting.Length)
            {
                read += await client.ReceiveAsync(greeting.AsMemory(read), SocketFlags.None);
            }

            await client.SendAsync(new byte[] { 5, 0 }, SocketFlags.None);
        });
        using var gone = new TcpListener(IPAddress.Loopback, 0);
        gone.Start();
        var dead = (IPEndPoint)gone.LocalEndpoint;
        gone.Stop();

        var alive = await ListenerProbeRound.RunAsync(
            [
                new NodeAdvert("node-1", [(IPEndPoint)live.LocalEndpoint], null, NodeAdvert.SocksRole, Healthy: true, Member: "akka.ssl.tcp://farm@127.0.0.1:4054#1"),
                new NodeAdvert("node-1", [dead], null, NodeAdvert.SocksRole, Healthy: true, Member: "akka.ssl.tcp://farm@127.0.0.1:4055#2"),
            ],
            AnswerTimeout,
            CancellationToken.None);

        await serve;
        Assert.Equal(2, alive.Count);
        Assert.True(alive["akka.ssl.tcp://farm@127.0.0.1:4054#1"]);
        Assert.False(alive["akka.ssl.tcp://farm@127.0.0.1:4055#2"]);
    }
}
