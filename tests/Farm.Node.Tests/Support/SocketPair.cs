using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Tests.Support;

/// <summary>Two connected loopback TCP sockets: one end for the code under test, one for the test.</summary>
public static class SocketPair
{
    public static async Task<(Socket Near, Socket Far)> CreateAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var far = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var connecting = far.ConnectAsync(listener.LocalEndPoint!);
        var near = await listener.AcceptAsync();
        await connecting;
        return (near, far);
    }
}
