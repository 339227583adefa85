using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Farm.Tests.Shared;

/// <summary>
/// Ports for members the tests start as processes. They come from below the kernel's ephemeral range
/// (32768-60999): a port the kernel hands out for port 0 may be taken again as the source port of any
/// outgoing connection before the member binds it, which made members fail with "address in use".
/// Each test assembly that starts processes has its own block, so suites running side by side never
/// pick the same port, and a port is handed out once per test run.
/// </summary>
public static class TestPorts
{
    private static readonly (int First, int BlockSize) Block = Assembly.GetExecutingAssembly().GetName().Name switch
    {
        "Farm.IntegrationTests" => (15000, 8000),
        "Farm.Node.Tests" => (27000, 3000),
        "Farm.Lighthouse.Tests" => (30000, 2000),
        "Farm.ChaosTests" => (32000, 700),
        _ => (23000, 4000),
    };

    private static int First => Block.First;

    private static int BlockSize => Block.BlockSize;

    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Next(string address = "127.0.0.1")
    {
        var ip = IPAddress.Parse(address);
        lock (Gate)
        {
            for (var attempt = 0; attempt < BlockSize; attempt++)
            {
                var port = First + Random.Shared.Next(BlockSize);
                if (!HandedOut.Contains(port) && Bindable(ip, port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free port in {First}-{First + BlockSize - 1} on {address}");
    }

    private static bool Bindable(IPAddress address, int port)
    {
        try
        {
            using var tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(address, port));
            using var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
