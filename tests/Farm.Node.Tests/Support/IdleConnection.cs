using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Tests.Support;

/// <summary>A connection from a chosen loopback address that never sends a byte.</summary>
public static class IdleConnection
{
    /// <summary>Connected within <paramref name="timeout"/>; one the node refused at once still counts as tried.</summary>
    public static async Task<Socket> OpenAsync(IPEndPoint node, IPAddress from, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(node, deadline.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Refused over a cap so fast that the connect saw the reset: what the cap does.
        }

        return socket;
    }
}
