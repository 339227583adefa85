using System.Net;
using System.Net.Sockets;

namespace Farm.Bench.Client;

/// <summary>
/// Opens a session to a destination, directly or through the target's SOCKS5 proxy, rotating over
/// the loopback source addresses.
/// </summary>
public sealed class Dialer(Target target, IReadOnlyList<IPAddress> sources)
{
    // Linux IP_BIND_ADDRESS_NO_PORT: with a source address bound, the port is still picked at
    // connect() time from the whole 4-tuple, instead of at bind() time from ports free on that address.
    private const int IpProtocolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private int _next;

    public Target Target => target;

    public async Task<Socket> ConnectAsync(IPEndPoint destination, CancellationToken ct)
    {
        var socket = await ConnectToAsync(target.Proxy ?? destination, ct);
        try
        {
            if (target.Proxy is not null)
            {
                await Socks5Handshake.ConnectAsync(socket, destination, ct);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A TCP connection to the proxy itself, for a request other than CONNECT.</summary>
    public Task<Socket> ConnectToProxyAsync(CancellationToken ct) =>
        ConnectToAsync(target.Proxy ?? throw new InvalidOperationException("the direct target has no proxy"), ct);

    private async Task<Socket> ConnectToAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (sources.Count > 1)
            {
                socket.SetRawSocketOption(IpProtocolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                var index = (uint)Interlocked.Increment(ref _next) % (uint)sources.Count;
                socket.Bind(new IPEndPoint(sources[(int)index], 0));
            }

            await socket.ConnectAsync(endpoint, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
