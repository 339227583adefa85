using System.Net.Sockets;

namespace Farm.Node.Sessions;

/// <summary>Closes a socket once: FIN when the session ended gracefully, RST when it failed.</summary>
public static class SocketTeardown
{
    public static void Close(Socket? socket, bool graceful)
    {
        if (socket is null)
        {
            return;
        }

        try
        {
            if (!graceful)
            {
                socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (SocketException)
        {
            // Already reset by the peer: closing is all that is left.
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        socket.Dispose();
    }
}
