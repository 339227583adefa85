using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Farm.Node.Dialing;
using Farm.Shared.Net;

namespace Farm.Node.Tests.Dialing;

/// <summary>
/// Dialing a name with both families, against real loopback listeners: the same port on 127.0.0.x and
/// ::1, one of them refusing, answering or silent.
/// </summary>
public sealed class HappyEyeballsConnectorTests
{
    private static readonly IPAddress Ipv4Answering = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress Ipv4Refusing = IPAddress.Parse("127.0.0.2");
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);
    private static readonly DialLimits Limits = new(2, 8, SourcePrefixLengths.PerHost);

    [Fact]
    public async Task Ipv6Refused_FallsBackToIpv4()
    {
        using var ipv4 = Listen(Ipv4Answering, 0);
        var port = PortOf(ipv4);

        var attempt = await ConnectAsync([IPAddress.IPv6Loopback, Ipv4Answering], port);

        using var socket = attempt.Socket;
        Assert.Equal(Ipv4Answering, attempt.Address);
        Assert.True(socket?.Connected);
        Assert.Equal(new IPEndPoint(Ipv4Answering, port), socket!.RemoteEndPoint);
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
        using var ipv4 = Listen(Ipv4Answering, port);

        var attempt = await ConnectAsync([Ipv4Refusing, Ipv4Answering, IPAddress.IPv6Loopback], port);

        using var socket = attempt.Socket;
        Assert.Equal(IPAddress.IPv6Loopback, attempt.Address);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, port), socket!.RemoteEndPoint);
    }

    [Fact]
    public async Task Ipv6Silent_Ipv4StartedAfterTheAttemptDelay_Wins()
    {
        // A listener that never accepts and whose queue is full drops further SYNs: the IPv6
        // attempt hangs (the kernel retries for minutes), so only a second attempt started while
        // it hangs can win, and not before the attempt delay.
        using var silent = Listen(IPAddress.IPv6Loopback, 0, backlog: 0);
        var port = PortOf(silent);
        var queuedClients = await FillAcceptQueueAsync(new IPEndPoint(IPAddress.IPv6Loopback, port));
        try
        {
            using var ipv4 = Listen(Ipv4Answering, port);
            var started = Stopwatch.GetTimestamp();

            var attempt = await ConnectAsync([IPAddress.IPv6Loopback, Ipv4Answering], port);

            var elapsed = Stopwatch.GetElapsedTime(started);
            using var socket = attempt.Socket;
            Assert.Equal(Ipv4Answering, attempt.Address);
            Assert.Equal(new IPEndPoint(Ipv4Answering, port), socket!.RemoteEndPoint);
            Assert.True(elapsed >= HappyEyeballsConnector.AttemptDelay - TimeSpan.FromMilliseconds(20), $"IPv4 won after {elapsed.TotalMilliseconds} ms");
        }
        finally
        {
            queuedClients.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task AllRefused_NoSocket_RefusalReported()
    {
        int port;
        using (var probe = Listen(IPAddress.IPv6Loopback, 0))
        {
            port = PortOf(probe);
        }

        var attempt = await ConnectAsync([IPAddress.IPv6Loopback, Ipv4Refusing], port);

        Assert.Null(attempt.Socket);
        Assert.Equal(SocketError.ConnectionRefused, attempt.Error);
    }

    [Fact]
    public async Task AddressesBeyondTheRequestsLimit_NeverTried()
    {
        // Eight refusing addresses, then the one that answers: with at most eight a request, it is not reached.
        using var listener = Listen(IPAddress.Parse("127.0.0.40"), 0);
        var port = PortOf(listener);
        var refusing = Enumerable.Range(30, 8).Select(i => IPAddress.Parse($"127.0.0.{i}")).ToList();
        using var limit = new CancellationTokenSource(TestTimeout);

        var capped = await HappyEyeballsConnector.ConnectAsync([.. refusing, IPAddress.Parse("127.0.0.40")], port, null, new DialLimits(2, 8, SourcePrefixLengths.PerHost), IPAddress.Loopback, limit.Token);
        var wider = await HappyEyeballsConnector.ConnectAsync([.. refusing, IPAddress.Parse("127.0.0.40")], port, null, new DialLimits(2, 9, SourcePrefixLengths.PerHost), IPAddress.Loopback, limit.Token);

        using var won = wider.Socket;
        Assert.Null(capped.Socket);
        Assert.Equal(SocketError.ConnectionRefused, capped.Error);
        Assert.Equal(IPAddress.Parse("127.0.0.40"), wider.Address);
    }

    [Fact]
    public async Task SourceAddress_NoAddressOfItsFamily_AddressFamilyNotSupported()
    {
        using var ipv6 = Listen(IPAddress.IPv6Loopback, 0);
        var port = PortOf(ipv6);

        using var limit = new CancellationTokenSource(TestTimeout);
        var attempt = await HappyEyeballsConnector.ConnectAsync([IPAddress.IPv6Loopback], port, Ipv4Answering, Limits, IPAddress.Loopback, limit.Token);

        Assert.Null(attempt.Socket);
        Assert.Equal(SocketError.AddressFamilyNotSupported, attempt.Error);
    }

    private static async Task<ConnectAttempt> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port)
    {
        using var limit = new CancellationTokenSource(TestTimeout);
        return await HappyEyeballsConnector.ConnectAsync(addresses, port, null, Limits, IPAddress.Loopback, limit.Token);
    }

    private static Socket Listen(IPAddress address, int port, int backlog = 16)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, port));
        socket.Listen(backlog);
        return socket;
    }

    private static int PortOf(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port;

    /// <summary>Connects until a connect no longer completes: from then on the listener drops SYNs.</summary>
    private static async Task<List<Socket>> FillAcceptQueueAsync(IPEndPoint listener)
    {
        var sockets = new List<Socket>();
        try
        {
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
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }

        sockets.ForEach(s => s.Dispose());
        throw new InvalidOperationException($"{listener} kept accepting connections: its queue never filled");
    }
}
