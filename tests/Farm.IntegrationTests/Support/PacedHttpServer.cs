using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// An HTTP server on loopback that answers every GET with the same random body, written in chunks at a
/// fixed pace, so that a download through a node lasts a known time. The body's SHA-256 is known up front.
/// </summary>
public sealed class PacedHttpServer : IAsyncDisposable
{
    private const int Chunk = 16 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _body;
    private readonly TimeSpan _pause;
    private readonly Task _loop;

    /// <param name="bytes">Body length.</param>
    /// <param name="bytesPerSecond">Pace: the body takes bytes / bytesPerSecond seconds to send.</param>
    public PacedHttpServer(int bytes, int bytesPerSecond)
    {
        _body = RandomNumberGenerator.GetBytes(bytes);
        _pause = TimeSpan.FromSeconds((double)Chunk / bytesPerSecond);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(_body));
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public string Sha256 { get; }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public string Url => $"http://127.0.0.1:{Endpoint.Port}/blob";

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

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {_body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"), _stop.Token);
                for (var offset = 0; offset < _body.Length; offset += Chunk)
                {
                    await stream.WriteAsync(_body.AsMemory(offset, Math.Min(Chunk, _body.Length - offset)), _stop.Token);
                    await Task.Delay(_pause, _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // A client that gave up, or the test ending, is the test's business, not the server's.
            }
        }
    }
}
