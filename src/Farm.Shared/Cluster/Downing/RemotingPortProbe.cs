using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Cluster.Downing;

/// <summary>One TCP connect to a member's remoting port, closed at once; only a refusal is evidence of death.</summary>
public sealed class RemotingPortProbe(TimeSpan timeout)
{
    public async Task<PortAnswer> AskAsync(string host, int port)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, deadline.Token);
            if (addresses.Length == 0)
            {
                return PortAnswer.Silent;
            }

            using var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(addresses[0], port), deadline.Token);
            return PortAnswer.Accepted;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return PortAnswer.Refused;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return PortAnswer.Silent;
        }
    }
}
