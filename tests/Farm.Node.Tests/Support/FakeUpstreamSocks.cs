using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Farm.Node.Tests.Support;

/// <summary>
/// A SOCKS5 server on loopback that records who reached it: every connection, the credentials it was
/// given and the destination asked for. It grants every CONNECT and then echoes, so a route through it works.
/// </summary>
public sealed class FakeUpstreamSocks : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public FakeUpstreamSocks()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        _loop = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>TCP connections accepted, whatever they sent.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>"user:password" per RFC 1929 login received.</summary>
    public ConcurrentQueue<string> Credentials { get; } = new();

    /// <summary>"host:port" per CONNECT received.</summary>
    public ConcurrentQueue<string> Destinations { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _loop;
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                var greeting = await ReadAsync(client, 2);
                var methods = await ReadAsync(client, greeting[1]);
                if (methods.Contains((byte)0x02))
                {
                    await client.SendAsync(new byte[] { 0x05, 0x02 }, SocketFlags.None);
                    var version = await ReadAsync(client, 2);
                    var user = await ReadAsync(client, version[1]);
                    var passwordLength = await ReadAsync(client, 1);
                    var password = await ReadAsync(client, passwordLength[0]);
                    Credentials.Enqueue($"{Encoding.ASCII.GetString(user)}:{Encoding.ASCII.GetString(password)}");
                    await client.SendAsync(new byte[] { 0x01, 0x00 }, SocketFlags.None);
                }
                else
                {
                    await client.SendAsync(new byte[] { 0x05, 0x00 }, SocketFlags.None);
                }

                var head = await ReadAsync(client, 4);
                var host = head[3] switch
                {
                    0x01 => new IPAddress(await ReadAsync(client, 4)).ToString(),
                    0x04 => new IPAddress(await ReadAsync(client, 16)).ToString(),
                    _ => Encoding.ASCII.GetString(await ReadAsync(client, (await ReadAsync(client, 1))[0])),
                };
                var port = await ReadAsync(client, 2);
                Destinations.Enqueue($"{host}:{(port[0] << 8) | port[1]}");
                await client.SendAsync(new byte[] { 0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0, 1 }, SocketFlags.None);
                var buffer = new byte[4096];
                int read;
                while ((read = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                {
                    await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
            }
        }
    }

    private async Task<byte[]> ReadAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                throw new IOException("closed");
            }

            filled += read;
        }

        return buffer;
    }
}
