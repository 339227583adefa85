using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Tests.Support;

/// <summary>A plain TCP client for speaking SOCKS byte by byte, including wrongly.</summary>
public sealed class RawClient : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private RawClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<RawClient> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return new RawClient(socket);
    }

    /// <summary>Takes over a socket already connected (e.g. from a chosen source address).</summary>
    public static RawClient Wrap(Socket socket) => new(socket);

    /// <summary>Connects from a chosen local address, e.g. 127.0.0.2, to appear as another client.</summary>
    public static async Task<RawClient> ConnectAsync(IPEndPoint endpoint, IPAddress from)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            using var deadline = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(endpoint, deadline.Token);
            return new RawClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What a new connection receives before the node closes it. A node that closes at once may reset the
    /// connection before the connect completes here: that counts as closed with nothing received.
    /// </summary>
    public static async Task<byte[]> ReceiveFromNewConnectionAsync(IPEndPoint endpoint, IPAddress from, TimeSpan timeout)
    {
        try
        {
            using var client = await ConnectAsync(endpoint, from);
            return await client.ReceiveUntilClosedAsync(timeout);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return [];
        }
    }

    public async Task SendAsync(params byte[] bytes) => await Socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Reads exactly <paramref name="count"/> bytes; fails if the node closes first.</summary>
    public async Task<byte[]> ReceiveExactlyAsync(int count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await Socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, deadline.Token);
            if (read == 0)
            {
                throw new IOException($"closed after {filled} of {count} bytes: [{Convert.ToHexString(buffer, 0, filled)}]");
            }

            filled += read;
        }

        return buffer;
    }

    /// <summary>
    /// Reads until the node closes (FIN or RST) and returns what arrived before; throws
    /// <see cref="TimeoutException"/> if the connection is still open after the timeout.
    /// </summary>
    public async Task<byte[]> ReceiveUntilClosedAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await Socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (read == 0)
                {
                    return received.ToArray();
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            return received.ToArray();
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"still open after {timeout ?? DefaultTimeout}; received [{Convert.ToHexString(received.ToArray())}]");
        }
    }

    public void Dispose() => Socket.Dispose();
}
