using System.Net;
using System.Net.Sockets;

namespace Farm.IntegrationTests.Support;

/// <summary>Asks a node for a SOCKS5 CONNECT and returns the reply code byte (0x00 granted, 0x02 refused by the ruleset).</summary>
public static class Socks5Probe
{
    public static async Task<byte> ConnectReplyAsync(string proxyAddress, int proxyPort, IPEndPoint destination)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Parse(proxyAddress), proxyPort, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 5, 1, 0 }, timeout.Token);
        var selection = new byte[2];
        await stream.ReadExactlyAsync(selection, timeout.Token);
        var address = destination.Address.GetAddressBytes();
        byte[] request = [5, 1, 0, 1, .. address, (byte)(destination.Port >> 8), (byte)destination.Port];
        await stream.WriteAsync(request, timeout.Token);
        var reply = new byte[2];
        await stream.ReadExactlyAsync(reply, timeout.Token);
        return reply[1];
    }
}
