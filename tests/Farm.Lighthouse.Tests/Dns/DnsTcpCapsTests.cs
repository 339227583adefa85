using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Farm.Lighthouse.Dns;

namespace Farm.Lighthouse.Tests.Dns;

/// <summary>
/// The caps of <see cref="DnsTcpOptions"/> against a real responder, raw TCP sockets and dig from distinct
/// loopback sources: per source, in total, the idle deadline (which a trickling client cannot stretch) and
/// queries per connection.
/// </summary>
public sealed class DnsTcpCapsTests
{
    private static readonly IPAddress Hog = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.3");
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task OverSourceCap_ClosedAtOnceAndCounted_OtherSourceServed_PlaceGivenBackOnClose()
    {
        await using var dns = await RunningDns.StartAsync(new Dictionary<string, string?> { ["Farm:Dns:Tcp:MaxConnectionsPerSource"] = "3" });
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                held.Add(await ConnectAsync(dns.Endpoint, Hog));
            }

            await WaitForAsync(() => dns.TcpGate.Open == 3, "three connections admitted");
            Assert.True(await RefusedAtOnceAsync(dns.Endpoint, Hog), "the fourth connection from one source was not closed at once");

            Assert.Equal(1, dns.Counters.TcpRefused(TcpAdmission.OverSourceCap));
            Assert.Contains("status: NOERROR", await Dig.FullAsync(dns.Endpoint, "farm.test", "SOA", tcp: true), StringComparison.Ordinal);

            // A place given back is taken again: the held connections still answer, and a new one is admitted.
            held[0].Dispose();
            await WaitForAsync(() => dns.TcpGate.Open == 2, "the closed connection's place given back");
            using var again = await ConnectAsync(dns.Endpoint, Hog);
            Assert.True(await AnsweredAsync(again, 7), "a connection admitted after one closed got no answer");
            Assert.True(await AnsweredAsync(held[1], 8), "a held connection got no answer");
        }
        finally
        {
            held.ForEach(socket => socket.Dispose());
        }

        await WaitForAsync(() => dns.TcpGate.Open == 0 && dns.TcpGate.TrackedSources == 0, "nothing open and no source tracked after all closed");
    }

    [Fact]
    public async Task OverConnectionCap_AnotherSourceClosedAtOnceAndCounted()
    {
        await using var dns = await RunningDns.StartAsync(new Dictionary<string, string?> { ["Farm:Dns:Tcp:MaxConnections"] = "2" });
        using var first = await ConnectAsync(dns.Endpoint, Hog);
        using var second = await ConnectAsync(dns.Endpoint, Hog);
        await WaitForAsync(() => dns.TcpGate.Open == 2, "two connections admitted");

        Assert.True(await RefusedAtOnceAsync(dns.Endpoint, Other), "a connection over the total cap was not closed at once");
        Assert.Equal(1, dns.Counters.TcpRefused(TcpAdmission.OverConnectionCap));
        Assert.Equal(0, dns.Counters.TcpRefused(TcpAdmission.OverSourceCap));
    }

    [Fact]
    public async Task TricklingClient_ClosedAtIdleTimeout_ThoughItKeepsSendingBytes()
    {
        await using var dns = await RunningDns.StartAsync(new Dictionary<string, string?> { ["Farm:Dns:Tcp:IdleTimeout"] = "00:00:01" });
        using var socket = await ConnectAsync(dns.Endpoint, Hog);
        var query = Framed(DnsRateLimitTests.Query(1, "socks.farm.test"));
        var clock = Stopwatch.StartNew();
        var closed = false;

        // One byte every 200 ms: the whole query would take several seconds, past the 1 s deadline.
        for (var i = 0; i < query.Length && !closed && clock.Elapsed < TimeSpan.FromSeconds(6); i++)
        {
            try
            {
                await socket.SendAsync(query.AsMemory(i, 1), SocketFlags.None);
            }
            catch (SocketException)
            {
                closed = true;
                break;
            }

            closed = await ClosedWithinAsync(socket, TimeSpan.FromMilliseconds(200));
        }

        Assert.True(closed, $"a client sending a byte every 200 ms was still connected after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(3));
        await WaitForAsync(() => dns.TcpGate.Open == 0, "the closed connection's place given back");
    }

    [Fact]
    public async Task QueriesPerConnection_Bounded_ThenClosed()
    {
        await using var dns = await RunningDns.StartAsync(new Dictionary<string, string?> { ["Farm:Dns:Tcp:MaxQueriesPerConnection"] = "2" });
        using var socket = await ConnectAsync(dns.Endpoint, Hog);

        Assert.True(await AnsweredAsync(socket, 1));
        Assert.True(await AnsweredAsync(socket, 2));
        Assert.False(await AnsweredAsync(socket, 3), "a third query on a connection capped at two was answered");
        await WaitForAsync(() => dns.TcpGate.Open == 0, "the closed connection's place given back");
    }

    private static byte[] Framed(byte[] message)
    {
        var framed = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        return framed;
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint server, IPAddress source)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        using var deadline = new CancellationTokenSource(Quick);
        await socket.ConnectAsync(server, deadline.Token);
        return socket;
    }

    /// <summary>Whether a new connection is closed as it is accepted: reset before the connect completes, or closed at once after.</summary>
    private static async Task<bool> RefusedAtOnceAsync(IPEndPoint server, IPAddress source)
    {
        Socket socket;
        try
        {
            socket = await ConnectAsync(server, source);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }

        using (socket)
        {
            return await ClosedWithinAsync(socket, Quick);
        }
    }

    /// <summary>Whether the server closed or reset the connection within <paramref name="within"/>.</summary>
    private static async Task<bool> ClosedWithinAsync(Socket socket, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            return await socket.ReceiveAsync(new byte[1], SocketFlags.None, deadline.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>Sends one query and reads its whole answer; false when the connection ends instead.</summary>
    private static async Task<bool> AnsweredAsync(Socket socket, ushort id)
    {
        using var deadline = new CancellationTokenSource(Quick);
        try
        {
            await socket.SendAsync(Framed(DnsRateLimitTests.Query(id, "socks.farm.test")), SocketFlags.None, deadline.Token);
            var length = new byte[2];
            if (!await ReadExactlyAsync(socket, length, deadline.Token))
            {
                return false;
            }

            var answer = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
            return await ReadExactlyAsync(socket, answer, deadline.Token) && BinaryPrimitives.ReadUInt16BigEndian(answer) == id;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken token)
    {
        while (buffer.Length > 0)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"not reached within 5 s: {what}");
            await Task.Delay(20);
        }
    }
}
