using System.Net;
using System.Net.Sockets;

namespace Farm.Bench.Servers;

/// <summary>
/// One protocol served on one port (0: any free port) of each given loopback address. Accepted sockets get their own
/// task; everything ends when the service is disposed.
/// </summary>
public sealed class TcpService : IAsyncDisposable
{
    // Two accepts pending per listener so that the connection-rate test never waits on a single accept loop.
    private const int AcceptLoopsPerListener = 2;

    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Socket, CancellationToken, Task> _handler;

    public TcpService(IEnumerable<IPAddress> addresses, int port, Func<Socket, CancellationToken, Task> handler)
    {
        _handler = handler;
        foreach (var address in addresses)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(address, port));
            listener.Listen(4096);
            _listeners.Add(listener);
        }

        Endpoints = [.. _listeners.Select(l => (IPEndPoint)l.LocalEndPoint!)];
        foreach (var listener in _listeners)
        {
            for (var i = 0; i < AcceptLoopsPerListener; i++)
            {
                _loops.Add(AcceptLoopAsync(listener));
            }
        }
    }

    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listener.AcceptAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before it was accepted: nothing to serve.
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            accepted.NoDelay = true;
            _ = ServeAsync(accepted);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await _handler(socket, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException or InvalidDataException)
        {
            // The client went away or the run ended: the client side counts the failure, if any.
        }
        finally
        {
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
