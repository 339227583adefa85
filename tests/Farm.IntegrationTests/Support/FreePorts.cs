using System.Net;
using System.Net.Sockets;

namespace Farm.IntegrationTests.Support;

/// <summary>Ports the kernel just handed out on an address, so concurrent runs do not collide.</summary>
public static class FreePorts
{
    public static int On(string address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
