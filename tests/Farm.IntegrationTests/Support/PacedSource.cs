using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Farm.IntegrationTests.Support;

/// <summary>
/// A TCP server (on 127.0.0.1 unless told) that sends every connection the same pseudo-random payload in chunks,
/// one every <c>pause</c>, then closes: a download slow enough to still be running while a node's
/// membership changes, whose bytes can be checked by their SHA-256. As an HTTP server it first reads a
/// request's head and answers it with the payload as the body, for curl.
/// </summary>
public sealed class PacedSource : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _payload;
    private readonly int _chunk;
    private readonly TimeSpan _pause;
    private readonly bool _http;
    private readonly Task _loop;

    /// <param name="address">Where it listens: 127.0.0.1 unless given.</param>
    public PacedSource(int bytes, int chunk, TimeSpan pause, bool http = false, IPAddress? address = null)
    {
        _listener = new(address ?? IPAddress.Loopback, 0);
        _http = http;
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

    /// <summary>The bytes every connection gets, for a client that checks each one as it arrives.</summary>
    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary>The payload's address in HTTP mode.</summary>
    public string Url => $"http://127.0.0.1:{Endpoint.Port}/blob";

    /// <summary>An HTTP server whose body of <paramref name="bytes"/> takes bytes / <paramref name="bytesPerSecond"/> seconds to send.</summary>
    public static PacedSource Http(int bytes, int bytesPerSecond)
    {
        const int chunk = 16 * 1024;
        return new PacedSource(bytes, chunk, TimeSpan.FromSeconds((double)chunk / bytesPerSecond), http: true);
    }

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
                if (_http && !await AnswerHeadAsync(stream))
                {
                    return;
                }

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

    /// <summary>Reads the request's head and writes the response's; false when the client left first.</summary>
    private async Task<bool> AnswerHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        var head = new StringBuilder();
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return false;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {_payload.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"), _stop.Token);
        return true;
    }
}
