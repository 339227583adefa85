using System.Net;
using System.Net.Sockets;

namespace Farm.Node.Tests.Support;

/// <summary>A destination whose connects hang: a listener with backlog 1 that never accepts, its accept queue filled.</summary>
public static class FullListener
{
    /// <summary>Connects to the listener until a connect hangs; the connects that were answered stay in <paramref name="fillers"/>.</summary>
    public static async Task<Socket> StartAsync(IPEndPoint endpoint, List<Socket> fillers)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(endpoint);
        listener.Listen(1);
        for (var i = 0; i < 10; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            fillers.Add(filler);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await filler.ConnectAsync(endpoint, wait.Token);
            }
            catch (OperationCanceledException)
            {
                // Closed, so that the only connects left hanging to the port are the node's.
                fillers.Remove(filler);
                filler.Dispose();
                return listener;
            }
        }

        listener.Dispose();
        throw new InvalidOperationException($"{endpoint}: ten connects answered by a listener that never accepts");
    }
}
