using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Farm.Bench.Client;

namespace Farm.Bench.Tests;

/// <summary>
/// Just enough of a SOCKS5 server (no auth, IPv4 CONNECT) to check that the generator counts the
/// same through a proxy as directly; it is not a model of any proxy under test.
/// </summary>
internal sealed class MinimalSocks5Relay : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public MinimalSocks5Relay()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        Endpoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = AcceptAsync();
    }

    public IPEndPoint Endpoint { get; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                _ = ServeAsync(await _listener.AcceptAsync(_stop.Token));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var ct = _stop.Token;
        try
        {
            var buffer = new byte[10];
            await SocketIo.ReceiveExactlyAsync(client, buffer.AsMemory(0, 3), ct);
            await SocketIo.SendAllAsync(client, new byte[] { 5, 0 }, ct);
            await SocketIo.ReceiveExactlyAsync(client, buffer, ct);
            var destination = new IPEndPoint(new IPAddress(buffer.AsSpan(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(8)));
            await upstream.ConnectAsync(destination, ct);
            await SocketIo.SendAllAsync(client, new byte[] { 5, 0, 0, 1, 127, 0, 0, 1, 0, 0 }, ct);

            using var clientStream = new NetworkStream(client);
            using var upstreamStream = new NetworkStream(upstream);
            await Task.WhenAny(clientStream.CopyToAsync(upstreamStream, ct), upstreamStream.CopyToAsync(clientStream, ct));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            // Either side went away.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
