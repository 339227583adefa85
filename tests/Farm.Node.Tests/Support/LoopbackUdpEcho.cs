using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Tests.Support;

/// <summary>A UDP echo on a loopback address that records every datagram's source.</summary>
public sealed class LoopbackUdpEcho : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly IPEndPoint _anySource;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="address">127.0.0.1 unless given, e.g. ::1 for an IPv6 echo.</param>
    public LoopbackUdpEcho(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(address, 0));
        _anySource = new IPEndPoint(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        _loop = EchoLoopAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

    public ConcurrentQueue<(IPEndPoint From, int Length)> Received { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }

    private async Task EchoLoopAsync()
    {
        var buffer = new byte[65_535];
        while (true)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _anySource, _stop.Token);
                var from = (IPEndPoint)received.RemoteEndPoint;
                Received.Enqueue((from, received.ReceivedBytes));
                await _socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, from, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
