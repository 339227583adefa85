using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Farm.Bench.Client;
using Farm.Bench.Scenarios;

namespace Farm.Bench.Soak;

/// <summary>
/// The four kinds of load a soak keeps on one node until cancelled: paced bulk downloads, connection churn, a
/// rotating pool of idle sessions and datagrams through a UDP association. A lane never stops on an error: it
/// counts it and goes on, so a node that recovers from a bad minute is seen recovering.
/// </summary>
public sealed class SoakLanes(Dialer dialer, SoakOptions options, SoakTally tally, SoakDestinations destinations)
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AssociationLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan IdleRotation = TimeSpan.FromMinutes(1);

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(
        Lane(BulkAsync, ct), Lane(ChurnAsync, ct), Lane(IdleAsync, ct), Lane(DatagramsAsync, ct));

    private static async Task Lane(Func<CancellationToken, Task> lane, CancellationToken ct)
    {
        try
        {
            await lane(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task BulkAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Guarded(async timeout =>
            {
                using var socket = await dialer.ConnectAsync(destinations.Source, timeout);
                var count = await BulkScenario.DownloadAsync(socket, options.BulkFor, timeout);
                if (count.Counted != count.Confirmed)
                {
                    tally.Corruption();
                }

                tally.BulkStream(count.Counted);
            }, ct);
            await Task.Delay(options.BulkPause, ct);
        }
    }

    private async Task ChurnAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / options.ChurnPerSecond));
        var payload = new byte[16];
        var answer = new byte[16];
        while (await timer.WaitForNextTickAsync(ct))
        {
            await Guarded(async timeout =>
            {
                using var socket = await dialer.ConnectAsync(destinations.Echo, timeout);
                Random.Shared.NextBytes(payload);
                await SocketIo.SendAllAsync(socket, payload, timeout);
                await SocketIo.ReceiveExactlyAsync(socket, answer, timeout);
                if (!payload.AsSpan().SequenceEqual(answer))
                {
                    tally.Corruption();
                }

                tally.ChurnSession();
            }, ct);
        }
    }

    private async Task IdleAsync(CancellationToken ct)
    {
        var pool = new Queue<Socket>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Replaces the oldest tenth (all of them on the first round, when the pool is empty).
                var replace = pool.Count == 0 ? options.IdleSessions : Math.Max(1, options.IdleSessions / 10);
                for (var i = 0; i < replace && pool.Count > 0 && pool.Count >= options.IdleSessions; i++)
                {
                    var oldest = pool.Dequeue();
                    await Guarded(timeout => EchoOneAsync(oldest, timeout), ct);
                    oldest.Dispose();
                    tally.IdleClosed();
                    tally.IdleReplacedOne();
                }

                while (pool.Count < options.IdleSessions && !ct.IsCancellationRequested)
                {
                    Socket? opened = null;
                    await Guarded(async timeout =>
                    {
                        opened = await dialer.ConnectAsync(destinations.Echo, timeout);
                        await EchoOneAsync(opened, timeout);
                    }, ct);
                    if (opened is null)
                    {
                        // The dial failed (counted): wait for the next rotation instead of spinning on a refusing node.
                        break;
                    }

                    pool.Enqueue(opened);
                    tally.IdleOpened();
                }

                await Task.Delay(IdleRotation, ct);
            }
        }
        finally
        {
            foreach (var socket in pool)
            {
                socket.Dispose();
            }
        }
    }

    private async Task EchoOneAsync(Socket socket, CancellationToken ct)
    {
        var one = new byte[] { (byte)Random.Shared.Next(256) };
        var back = new byte[1];
        await SocketIo.SendAllAsync(socket, one, ct);
        await SocketIo.ReceiveExactlyAsync(socket, back, ct);
        if (one[0] != back[0])
        {
            tally.Corruption();
        }
    }

    private async Task DatagramsAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await OneAssociationAsync(ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                tally.Failure();
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    /// <summary>One association for <see cref="AssociationLifetime"/>: a datagram per tick, each awaited for its echo.</summary>
    private async Task OneAssociationAsync(CancellationToken ct)
    {
        var source = ((IPEndPoint)dialer.Target.Proxy!).Address;
        using var control = await WithTimeout(dialer.ConnectToProxyAsync, ct);
        using var datagrams = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        datagrams.Bind(new IPEndPoint(((IPEndPoint)control.LocalEndPoint!).Address, 0));
        var relay = await WithTimeout(t => Socks5Handshake.AssociateAsync(control, (IPEndPoint)datagrams.LocalEndPoint!, t).AsTask(), ct);
        if (relay.Address.Equals(IPAddress.Any))
        {
            relay = new IPEndPoint(source, relay.Port);
        }

        var header = UdpHeader(destinations.UdpEcho);
        var packet = new byte[header.Length + 8];
        header.CopyTo(packet, 0);
        var answer = new byte[2048];
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct);
        lifetime.CancelAfter(AssociationLifetime);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / options.DatagramsPerSecond));
        long sequence = 0;
        while (await timer.TickOrStopAsync(lifetime.Token))
        {
            BinaryPrimitives.WriteInt64LittleEndian(packet.AsSpan(header.Length), ++sequence);
            await datagrams.SendToAsync(packet, SocketFlags.None, relay, ct);
            tally.DatagramSent();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                var received = await datagrams.ReceiveAsync(answer, SocketFlags.None, wait.Token);
                if (received == packet.Length && answer.AsSpan(header.Length, 8).SequenceEqual(packet.AsSpan(header.Length, 8)))
                {
                    tally.DatagramEchoed();
                }
                else
                {
                    tally.Corruption();
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                tally.Failure();
            }
        }
    }

    /// <summary>RFC 1928 section 7: RSV RSV FRAG ATYP=IPv4 DST.ADDR DST.PORT.</summary>
    private static byte[] UdpHeader(IPEndPoint destination)
    {
        var header = new byte[10];
        header[3] = 1;
        destination.Address.TryWriteBytes(header.AsSpan(4, 4), out _);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8, 2), (ushort)destination.Port);
        return header;
    }

    private static async Task<T> WithTimeout<T>(Func<CancellationToken, Task<T>> operation, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(OperationTimeout);
        return await operation(timeout.Token);
    }

    /// <summary>Runs one operation under the per-operation timeout; an error is counted, never thrown (cancellation is).</summary>
    private async Task Guarded(Func<CancellationToken, Task> operation, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(OperationTimeout);
        try
        {
            await operation(timeout.Token);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            tally.Failure();
        }
    }
}
