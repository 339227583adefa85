using System.Net;
using System.Net.Sockets;

namespace Farm.Shared.Cluster.Downing;

/// <summary>One TCP connect to a member's remoting port, closed at once; only a refusal is evidence of death.</summary>
public sealed class RemotingPortProbe(TimeSpan timeout)
{
    /// <summary>Refused only when every address the host resolves to refuses: Akka dials the others too.</summary>
    public async Task<PortAnswer> AskAsync(string host, int port)
    {
        using var deadline = new CancellationTokenSource(timeout);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, deadline.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return PortAnswer.Silent;
        }

        var answers = await Task.WhenAll(addresses.Select(a => AskAsync(a, port, deadline.Token)));
        return answers.Length == 0 ? PortAnswer.Silent
            : answers.Contains(PortAnswer.Accepted) ? PortAnswer.Accepted
            : answers.All(a => a == PortAnswer.Refused) ? PortAnswer.Refused
            : PortAnswer.Silent;
    }

    private static async Task<PortAnswer> AskAsync(IPAddress address, int port, CancellationToken cancel)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(address, port), cancel);
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
