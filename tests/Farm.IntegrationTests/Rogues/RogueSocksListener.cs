using System.Net;
using System.Net.Sockets;

namespace Farm.IntegrationTests.Rogues;

/// <summary>
/// The listener a rogue member wants clients sent to: it answers a SOCKS5 greeting with "no authentication"
/// (so the lighthouse's listener probe finds it alive) and counts the connections it accepted.
/// </summary>
public sealed class RogueSocksListener : IAsyncDisposable
{
    private static readonly byte[] NoAuthentication = [0x05, 0x00];

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RogueSocksListener(TcpListener listener)
    {
        _listener = listener;
        _loop = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Binds <paramref name="port"/> on <paramref name="address"/> (a loopback address).</summary>
    public static RogueSocksListener Start(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        return new RogueSocksListener(listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped while accepting: the listener is gone, which is all that is wanted.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                var stream = client.GetStream();
                await stream.ReadAtLeastAsync(new byte[16], 3, throwOnEndOfStream: false, timeout.Token);
                await stream.WriteAsync(NoAuthentication, timeout.Token);
                await stream.ReadAtLeastAsync(new byte[256], 1, throwOnEndOfStream: false, timeout.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The prober or client left: the expected end.
            }
        }
    }
}
