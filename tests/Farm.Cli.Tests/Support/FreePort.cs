using System.Net;
using System.Net.Sockets;

namespace Farm.Cli.Tests.Support;

/// <summary>A loopback port free at the moment of asking, for members started as processes.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
