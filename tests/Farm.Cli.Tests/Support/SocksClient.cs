using System.Net;
using System.Net.Sockets;

namespace Farm.Cli.Tests.Support;

/// <summary>A real SOCKS5 client connection (no authentication, CONNECT to an IPv4 address).</summary>
public sealed class SocksClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private SocksClient(Socket socket, byte reply)
    {
        Socket = socket;
        Reply = reply;
    }

    public Socket Socket { get; }

    /// <summary>The node's reply code: 0 succeeded, 2 not allowed by the ruleset.</summary>
    public byte Reply { get; }

    public static async Task<SocksClient> ConnectAsync(IPEndPoint proxy, IPEndPoint destination)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(proxy);
            await socket.SendAsync(new byte[] { 5, 1, 0 }, SocketFlags.None);
            await ReadExactlyAsync(socket, 2);
            var request = new byte[10];
            request[0] = 5;
            request[1] = 1;
            request[3] = 1;
            destination.Address.GetAddressBytes().CopyTo(request, 4);
            request[8] = (byte)(destination.Port >> 8);
            request[9] = (byte)destination.Port;
            await socket.SendAsync(request, SocketFlags.None);
            var reply = await ReadExactlyAsync(socket, 10);
            return new SocksClient(socket, reply[1]);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends and reads back the same bytes through an echo destination.</summary>
    public async Task<byte[]> EchoAsync(byte[] payload)
    {
        await Socket.SendAsync(payload, SocketFlags.None);
        return await ReadExactlyAsync(Socket, payload.Length);
    }

    /// <summary>True when the node closes the connection (FIN or RST) within the timeout.</summary>
    public async Task<bool> ClosedAsync()
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var buffer = new byte[1024];
        try
        {
            while (await Socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => Socket.Dispose();

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, deadline.Token);
            if (read == 0)
            {
                throw new IOException($"closed after {filled} of {count} bytes");
            }

            filled += read;
        }

        return buffer;
    }
}
