using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// A TCP server on 127.0.0.1 that sends every connection the same pseudo-random payload in chunks,
/// one every <c>pause</c>, then closes: a download slow enough to still be running while a node's
/// membership changes, whose bytes can be checked by their SHA-256.
/// </summary>
public sealed class PacedSource : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _payload;
    private readonly int _chunk;
    private readonly TimeSpan _pause;
    private readonly Task _loop;

    public PacedSource(int bytes, int chunk, TimeSpan pause)
    {
        _payload = new byte[bytes];
        new Random(18).NextBytes(_payload);
        _chunk = chunk;
        _pause = pause;
        Sha256 = Convert.ToHexString(SHA256.HashData(_payload));
        _listener.Start(16);
        _loop = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public int Length => _payload.Length;

    public string Sha256 { get; }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = SendAsync(client);
        }
    }

    private async Task SendAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                for (var offset = 0; offset < _payload.Length; offset += _chunk)
                {
                    await stream.WriteAsync(_payload.AsMemory(offset, Math.Min(_chunk, _payload.Length - offset)), _stop.Token);
                    await Task.Delay(_pause, _stop.Token);
                }

                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the test ended: the download's own check reports it.
            }
        }
    }
}
