using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Tests.Support;

/// <summary>A UDP echo on a loopback address that records every datagram's source.</summary>
public sealed class LoopbackUdpEcho : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackUdpEcho()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
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
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
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
