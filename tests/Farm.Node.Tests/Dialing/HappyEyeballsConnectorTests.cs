using System.Net;
using System.Net.Sockets;
using Farm.Node.Dialing;

namespace Farm.Node.Tests.Dialing;

/// <summary>
/// Dialing a name with both families, against real loopback listeners: the same port on 127.0.0.x and
/// ::1, one of them refusing, answering or silent.
/// </summary>
public sealed class HappyEyeballsConnectorTests
{
    private static readonly IPAddress Ipv4 = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress Ipv4Refusing = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Ipv6Refused_FallsBackToIpv4()
    {
        using var ipv4 = Listen(Ipv4, 0);
        var port = PortOf(ipv4);

        var attempt = await ConnectAsync([IPAddress.IPv6Loopback, Ipv4], port);

        using var socket = attempt.Socket;
        Assert.Equal(Ipv4, attempt.Address);
        Assert.True(socket?.Connected);
        Assert.Equal(new IPEndPoint(Ipv4, port), socket!.RemoteEndPoint);
    }

    [Fact]
    public async Task Ipv4Refused_FallsBackToIpv6()
    {
        using var ipv6 = Listen(IPAddress.IPv6Loopback, 0);
        var port = PortOf(ipv6);

        var attempt = await ConnectAsync([Ipv4Refusing, IPAddress.IPv6Loopback], port);

        using var socket = attempt.Socket;
        Assert.Equal(IPAddress.IPv6Loopback, attempt.Address);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, port), socket!.RemoteEndPoint);
    }

    [Fact]
    public async Task Families_Interleaved_SecondFamilyTriedBeforeTheFirstFamilysSecondAddress()
    {
        // Resolver order: two IPv4 addresses, then IPv6. The first refuses; interleaving tries ::1
        // next, so ::1 wins although 127.0.0.3 answers too.
        using var ipv6 = Listen(IPAddress.IPv6Loopback, 0);
        var port = PortOf(ipv6);
        using var ipv4 = Listen(Ipv4, port);

        var attempt = await ConnectAsync([Ipv4Refusing, Ipv4, IPAddress.IPv6Loopback], port);

        using var socket = attempt.Socket;
        Assert.Equal(IPAddress.IPv6Loopback, attempt.Address);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, port), socket!.RemoteEndPoint);
    }

    [Fact]
    public async Task Ipv6Silent_Ipv4StartedAfterTheAttemptDelay_Wins()
    {
        // A listener that never accepts and whose queue is full drops further SYNs: the IPv6
        // attempt hangs (the kernel retries for minutes), so only a second attempt started while
        // it hangs can win.
        using var silent = Listen(IPAddress.IPv6Loopback, 0, backlog: 0);
        var port = PortOf(silent);
        var filling = await FillAcceptQueueAsync(new IPEndPoint(IPAddress.IPv6Loopback, port));
        using var ipv4 = Listen(Ipv4, port);
        try
        {
            var attempt = await ConnectAsync([IPAddress.IPv6Loopback, Ipv4], port);

            using var socket = attempt.Socket;
            Assert.Equal(Ipv4, attempt.Address);
            Assert.Equal(new IPEndPoint(Ipv4, port), socket!.RemoteEndPoint);
        }
        finally
        {
            filling.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task AllRefused_LastErrorReturned_NoSocket()
    {
        using var probe = Listen(IPAddress.IPv6Loopback, 0);
        var port = PortOf(probe);
        probe.Dispose();

        var attempt = await ConnectAsync([IPAddress.IPv6Loopback, Ipv4Refusing], port);

        Assert.Null(attempt.Socket);
        Assert.Equal(SocketError.ConnectionRefused, attempt.Error);
    }

    [Fact]
    public async Task SourceAddress_OnlyItsFamilyDialed()
    {
        using var ipv6 = Listen(IPAddress.IPv6Loopback, 0);
        var port = PortOf(ipv6);

        using var limit = new CancellationTokenSource(Limit);
        var attempt = await HappyEyeballsConnector.ConnectAsync([IPAddress.IPv6Loopback], port, Ipv4, limit.Token);

        Assert.Null(attempt.Socket);
        Assert.Equal(SocketError.AddressFamilyNotSupported, attempt.Error);
    }

    private static async Task<ConnectAttempt> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port)
    {
        using var limit = new CancellationTokenSource(Limit);
        return await HappyEyeballsConnector.ConnectAsync(addresses, port, null, limit.Token);
    }

    private static Socket Listen(IPAddress address, int port, int backlog = 16)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            socket.DualMode = false;
        }

        socket.Bind(new IPEndPoint(address, port));
        socket.Listen(backlog);
        return socket;
    }

    private static int PortOf(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port;

    /// <summary>Connects until a connect no longer completes: from then on the listener drops SYNs.</summary>
    private static async Task<List<Socket>> FillAcceptQueueAsync(IPEndPoint listener)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < 8; i++)
        {
            var socket = new Socket(listener.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            sockets.Add(socket);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                await socket.ConnectAsync(listener, wait.Token);
            }
            catch (OperationCanceledException)
            {
                return sockets;
            }
        }

        throw new InvalidOperationException($"{listener} kept accepting connections: its queue never filled");
    }
}
