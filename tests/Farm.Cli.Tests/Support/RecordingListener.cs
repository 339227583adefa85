using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Farm.Cli.Tests.Support;

/// <summary>
/// A TCP listener standing in for a member farmctl should not trust: it answers nothing and keeps
/// every byte it receives (bounded per connection), so a test can tell whether a token reached it.
/// </summary>
public sealed class RecordingListener : IAsyncDisposable
{
    private const int MaxBytesPerConnection = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _received = new();
    private readonly Task _accepting;
    private int _connections;

    public RecordingListener(IPEndPoint endpoint)
    {
        _listener = new TcpListener(endpoint);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Connections => Volatile.Read(ref _connections);

    public EndPoint Endpoint => _listener.LocalEndpoint;

    public string Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = RecordAsync(client);
        }
    }

    private async Task RecordAsync(TcpClient client)
    {
        using (client)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            deadline.CancelAfter(TimeSpan.FromSeconds(10));
            var buffer = new byte[4096];
            var total = 0;
            try
            {
                var stream = client.GetStream();
                int read;
                while (total < MaxBytesPerConnection && (read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
                {
                    total += read;
                    lock (_received)
                    {
                        _received.Append(Encoding.Latin1.GetString(buffer, 0, read));
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                // The client gave up or the test ended; what arrived is recorded.
            }
        }
    }
}
