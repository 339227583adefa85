using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Farm.Node.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 server on a loopback address: <c>GET /bytes/N</c> answers N deterministic
/// bytes (<see cref="TestContent"/>), then closes. It records the peer address of every request.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, byte[]> _contents = new();
    private readonly Task _loop;

    public LoopbackHttpServer(string address = "127.0.0.1")
    {
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start(1024);
        _loop = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public ConcurrentQueue<IPEndPoint> Peers { get; } = new();

    public string Url(int size, string? host = null) => $"http://{host ?? Endpoint.Address.ToString()}:{Endpoint.Port}/bytes/{size}";

    public byte[] Content(int size) => _contents.GetOrAdd(size, TestContent.Bytes);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

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
                Peers.Enqueue((IPEndPoint)client.Client.RemoteEndPoint!);
                var stream = client.GetStream();
                var request = await ReadHeadAsync(stream);
                var path = request.Split(' ') is [_, var p, ..] ? p : "/";
                var size = path.StartsWith("/bytes/", StringComparison.Ordinal) && int.TryParse(path[7..], out var n) ? n : -1;
                if (size < 0)
                {
                    await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                    return;
                }

                var body = Content(size);
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head);
                await stream.WriteAsync(body);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // A client that went away mid-response is the test's business, not the server's.
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var buffer = new byte[1024];
        while (head.Count < 16 * 1024)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            head.AddRange(buffer.AsSpan(0, read));
            if (Encoding.ASCII.GetString(head.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }
}
