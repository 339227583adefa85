using System.Net;
using System.Net.Sockets;
using Farm.Node.Options;
using Microsoft.Extensions.Options;

namespace Farm.Node.Listening;

/// <summary>
/// The node's listening sockets, bound when the node starts so that a taken or invalid address
/// stops the start with a clear message, and so the actual endpoints (port 0 resolved) are known.
/// </summary>
public sealed class SocksListenerSockets : IDisposable
{
    private const int Backlog = 4096;
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    public SocksListenerSockets(IOptions<SocksOptions> options)
    {
        var sockets = new List<Socket>();
        var trusts = new List<ProxyTrust?>();
        try
        {
            foreach (var listener in options.Value.EffectiveListeners)
            {
                // Checked before anything is bound: a PROXY listener with no trusted network fails the start.
                trusts.Add(ProxyTrust.For(listener));
                sockets.Add(Bind(Parse(listener.Endpoint)));
            }
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }

        Sockets = sockets;
        Proxies = trusts;
    }

    public IReadOnlyList<Socket> Sockets { get; }

    /// <summary>For each socket, the proxies whose PROXY header it requires; null when it takes clients directly.</summary>
    public IReadOnlyList<ProxyTrust?> Proxies { get; }

    public IReadOnlyList<IPEndPoint> Endpoints => Sockets.Select(s => (IPEndPoint)s.LocalEndPoint!).ToList();

    public void Dispose()
    {
        foreach (var socket in Sockets)
        {
            socket.Dispose();
        }
    }

    private static IPEndPoint Parse(string text)
    {
        // A port is required: "127.0.0.1:1080" or "[::1]:1080" (a bare IPv6 address is ambiguous).
        var colon = text.LastIndexOf(':');
        var hasPort = colon > 0 && (text[0] == '[' ? text[colon - 1] == ']' : text.IndexOf(':') == colon);
        return hasPort && IPEndPoint.TryParse(text, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException($"Farm:Socks:Listeners: '{text}' is not address:port (IPv6 as [::1]:1080)");
    }

    internal static Socket Bind(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // An IPv6 listener serves IPv6 only; IPv4 gets its own listener entry.
                socket.DualMode = false;
            }

            // SO_REUSEADDR alone, so a restart binds past TIME_WAIT: .NET's ReuseAddress also sets
            // SO_REUSEPORT on Linux, which let a second node share the port and take half the clients.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            socket.Bind(endpoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException($"cannot listen on {endpoint}: {e.Message}", e);
        }
    }
}
