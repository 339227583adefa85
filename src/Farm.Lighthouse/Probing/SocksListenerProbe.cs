using System.Net;
using System.Net.Sockets;

namespace Farm.Lighthouse.Probing;

/// <summary>
/// One probe of one SOCKS listener: connect, send the greeting, read the method selection, close.
/// The node sees an ordinary client that leaves before its request.
/// </summary>
public static class SocksListenerProbe
{
    public static async Task<ProbeOutcome> ProbeAsync(IPEndPoint endpoint, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return ProbeOutcome.Refused;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return ProbeOutcome.TimedOut;
        }

        try
        {
            await socket.SendAsync(GreetingReply.Greeting, SocketFlags.None, deadline.Token).ConfigureAwait(false);
            var reply = new byte[GreetingReply.Length];
            var read = 0;
            while (read < reply.Length)
            {
                var n = await socket.ReceiveAsync(reply.AsMemory(read), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return ProbeOutcome.ClosedByNode;
                }

                read += n;
            }

            return GreetingReply.Judge(reply);
        }
        catch (SocketException)
        {
            // Reset after the connect was accepted: a live process closed it.
            return ProbeOutcome.ClosedByNode;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return ProbeOutcome.TimedOut;
        }
    }
}
